import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ClientRequest } from 'node:http';
import { AppModule } from './app.module';
import { applyRouteBodyLimits, DEFAULT_BODY_LIMIT, rejectDeepBodies } from './common/body-limits';
import type { AppConfig } from './config/app-config';
import { serveConsole } from './console/serve-console';
import { setupOpenApi } from './openapi';
import { APP_VERSION } from './version';

export interface CreateAppOptions {
  /** Folder of the built console; omitted in API-only tests. */
  webDir?: string;
  logger?: false;
}

/** Builds the whole application; main.ts listens, tests call this with their own config. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: DEFAULT_BODY_LIMIT, trustProxy: false }),
    { logger: options.logger ?? ['log', 'warn', 'error'], bufferLogs: false },
  );
  applyRouteBodyLimits(app);
  rejectDeepBodies(app);
  app.useWebSocketAdapter(new WsAdapter(app));
  app.setGlobalPrefix('api');
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidUnknownValues: true, transform: true }),
  );
  await addSecurityHeaders(app.getHttpAdapter().getInstance(), {
    contentSecurityPolicy: { directives: CSP_DIRECTIVES },
  });
  app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
  setupOpenApi(app, APP_VERSION);
  if (options.webDir) {
    await serveConsole(app, options.webDir);
  }
  // SIGTERM/SIGINT: end exec sessions, let in-flight requests finish, close the SSH pool and the
  // database, then exit 0 (rather than re-raising the signal).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}

/** A header helmet sets on the response, with helmet's spelling and value. */
export type SecurityHeader = readonly [name: string, value: string | number | string[]];

/**
 * The headers @fastify/helmet sets with `options`, taken once from the plugin itself on a probe
 * instance: whatever helmet puts on the raw response before the route runs.
 */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<SecurityHeader[]> {
  if (options.enableCSPNonces || options.global === false) {
    throw new Error('CSP nonces and non-global helmet differ per response: register the plugin');
  }
  const probe = Fastify();
  let headers: SecurityHeader[] = [];
  await probe.register(helmet, options);
  probe.get('/', (_request, reply) => {
    // Node has getRawHeaderNames() on every outgoing message; its types declare it on requests only.
    const raw = reply.raw as typeof reply.raw & Pick<ClientRequest, 'getRawHeaderNames'>;
    headers = raw.getRawHeaderNames().map((name) => [name, raw.getHeader(name)!]);
    return '';
  });
  await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  return headers;
}

/**
 * helmet's headers on every response, worked out once. Registered as a plugin, @fastify/helmet
 * builds helmet's middleware again on every request (about 5 % of agent ingest CPU in alternating
 * runs), although with global options and no CSP nonces the headers never change. Not offered:
 * the plugin's per-route `helmet` option and `reply.helmet()`/`reply.cspNonce`, which nothing uses.
 */
export async function addSecurityHeaders(
  fastify: FastifyInstance,
  options: FastifyHelmetOptions,
): Promise<void> {
  const headers = await helmetHeaders(options);
  fastify.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) {
      reply.raw.setHeader(name, value);
    }
    done();
  });
}

/** Same-origin everything; Material and Swagger UI need inline styles, nothing needs inline JS. */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  // The console is often reached over plain http on a LAN; upgrading would break it.
  upgradeInsecureRequests: null,
};
