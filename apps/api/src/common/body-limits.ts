import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Default request body limit: 1 MiB; larger bodies answer 413. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Routes that accept more than the default. An agent report of 500 containers with full env,
 * labels and mounts is about 2-3 MiB; 8 MiB leaves headroom and still bounds memory.
 */
export const ROUTE_BODY_LIMITS: Readonly<Record<string, number>> = {
  '/api/agents/docker/report': 8 * 1024 * 1024,
};

/** Must run before the app initialises, while Fastify routes are still being added. */
export function applyRouteBodyLimits(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const limit = ROUTE_BODY_LIMITS[route.url];
      if (limit !== undefined) {
        route.bodyLimit = limit;
      }
    });
}
