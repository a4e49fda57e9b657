import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { parse as parseQueryString } from 'node:querystring';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import type { FastifyBodyParser, FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { AppModule } from './app.module';
import { applyRouteBodyLimits, DEFAULT_BODY_LIMIT, rejectDeepBodies } from './common/body-limits';
import { type AppConfig, logLevelsUpTo } from './config/app-config';
import { rewriteContainerAlias } from './containers/container-route-aliases';
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
    new FastifyAdapter({
      bodyLimit: DEFAULT_BODY_LIMIT,
      trustProxy: config.trustProxy,
      rewriteUrl: (request: IncomingMessage | Http2ServerRequest) =>
        rewriteContainerAlias(request.method, request.url ?? '/'),
    }),
    { logger: options.logger ?? logLevelsUpTo(config.logLevel), bufferLogs: false },
  );
  useBodyParsers(app);
  applyRouteBodyLimits(app);
  rejectDeepBodies(app);
  app.useWebSocketAdapter(new WsAdapter(app));
  app.setGlobalPrefix('api');
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidUnknownValues: true, transform: true }),
  );
  addSecurityHeaders(app.getHttpAdapter().getInstance());
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

/**
 * The JSON and form parsers Nest would register, except that an empty JSON body parses as
 * undefined instead of failing with `Body cannot be empty…`: `curl -X POST -H 'content-type:
 * application/json' …/stop` works on routes that take no body, and a route that needs one
 * answers 400 naming its fields, as for any incomplete body. Anything else (malformed JSON,
 * `__proto__`/`constructor` keys) is Fastify's own parser; route body limits still apply.
 */
const nullBody = (): Error =>
  Object.assign(new Error('The request body must be a JSON object, not null'), { statusCode: 400 });

function useBodyParsers(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parseJson = fastify.getDefaultJsonParser(
    onProtoPoisoning ?? 'error',
    onConstructorPoisoning ?? 'error',
  );
  const jsonOrEmpty: FastifyBodyParser<Buffer> = (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    void parseJson(request, body.toString('utf8'), (error, value) => {
      // Nest's ValidationPipe would turn a null body into {}: a PATCH of nothing, answered 200.
      done(error ?? (value === null ? nullBody() : null), value);
    });
  };
  app.useBodyParser('application/json', { bodyLimit: DEFAULT_BODY_LIMIT }, jsonOrEmpty);
  // useBodyParser stops Nest from registering its parsers; this one is as Nest's.
  app.useBodyParser(
    'application/x-www-form-urlencoded',
    { bodyLimit: DEFAULT_BODY_LIMIT },
    (_request, body, done) => done(null, parseQueryString(body.toString())),
  );
}

/**
 * helmet's headers on every response. Its middleware is built once: @fastify/helmet built it
 * again on every request (about 5 % of agent ingest CPU in alternating runs).
 */
function addSecurityHeaders(fastify: FastifyInstance): void {
  const securityHeaders = helmet({ contentSecurityPolicy: { directives: CSP_DIRECTIVES } });
  fastify.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
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
