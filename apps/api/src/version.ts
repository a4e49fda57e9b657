/** Shown by /api/health and the OpenAPI document; bump with package.json. */
export const APP_VERSION = '0.1.0';
