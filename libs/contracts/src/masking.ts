import type { EnvVar } from './containers';

/** Keys whose values are secrets everywhere in ArchNest (docs/security.md). */
export const SECRET_KEY_PATTERN = /(PASS|SECRET|TOKEN|KEY|PRIVATE|CREDENTIAL)/i;
export const MASKED_VALUE = '********';

export function maskEnv(env: readonly EnvVar[]): EnvVar[] {
  return env.map(({ key, value }) => ({
    key,
    value: SECRET_KEY_PATTERN.test(key) ? MASKED_VALUE : value,
  }));
}
