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

/**
 * How deep a JSON body may nest. Our deepest body (an agent report's port or mount) is 5 levels;
 * class-transformer recurses once per level, so a body thousands of levels deep would overflow
 * the stack in the validation pipe and answer 500 instead of 400.
 */
export const MAX_BODY_DEPTH = 32;

/** True when an object or array sits deeper than `max` levels; iterative, stops at the first. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') {
      continue;
    }
    if (depth >= max) {
      return true;
    }
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object') {
        pending.push([child, depth + 1]);
      }
    }
  }
  return false;
}

/**
 * Routes whose body only a compiled JSON Schema validates (CompiledDtoValidator): Ajv never
 * descends past the schema's own depth, so they skip the walk (about 1 ms per 500-container
 * report on the hottest route).
 */
const SCHEMA_VALIDATED_ROUTES: ReadonlySet<string> = new Set(['/api/agents/docker/report']);

/** Answers 400 for a body nested deeper than MAX_BODY_DEPTH, before any pipe sees it. */
export function rejectDeepBodies(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preValidation', async (request, reply) => {
      if (SCHEMA_VALIDATED_ROUTES.has(request.routeOptions.url ?? '')) {
        return;
      }
      if (nestsDeeperThan(request.body, MAX_BODY_DEPTH)) {
        await reply.code(400).send({
          statusCode: 400,
          error: 'Bad Request',
          message: `body nests deeper than ${MAX_BODY_DEPTH} levels`,
        });
      }
    });
}
