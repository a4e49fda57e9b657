import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { documentContainerAliases } from './containers/container-route-aliases';

/** Names of the security schemes in the OpenAPI document. */
export const USER_JWT = 'user-jwt';
export const API_KEY = 'api-key';
export const AGENT_TOKEN = 'agent-token';
export const SCRAPE_TOKEN = 'scrape-token';

/** The tags of the document, in the order the explorer shows them (docs/api.md). */
export const OPENAPI_TAGS: readonly (readonly [name: string, description: string])[] = [
  ['auth', 'First-run setup and sign-in: exchange a username and password for an access token.'],
  [
    'containers',
    'Containers of every source by source kind and host id: list, inspect, logs, stats, ' +
      'lifecycle actions and removal. The per-source container paths are aliases of these.',
  ],
  [
    'docker-tcp',
    'Docker Engine API hosts (tcp:// with optional client TLS, or a unix socket): the host ' +
      'inventory, and aliases of the container routes under /api/docker/hosts/{hostId}/containers.',
  ],
  [
    'docker-ssh',
    'Docker over SSH: the SSH target inventory with jump hosts and pinned host keys, and aliases ' +
      'of the container routes under /api/docker-ssh/targets/{hostId}/containers.',
  ],
  [
    'agents',
    'The push agent: report ingest (agent token), the hosts that reported, and read-only ' +
      'aliases of the container routes under /api/agents/docker/hosts/{hostId}/containers.',
  ],
  [
    'metrics',
    'The metrics history of every container and host (rollups keep a year in bounded space), ' +
      'and the Prometheus export at /api/metrics (scrape token).',
  ],
  [
    'alerts',
    'Alert rules on container state, health, restarts, host reachability and resource use; ' +
      'the channels they are delivered to (webhook, Slack, Discord, ntfy, e-mail); the events ' +
      'that fired and resolved. Members read rules and events; admins write.',
  ],
  ['users', 'User accounts and their roles (admin or member). Admins only.'],
  ['audit', 'The audit log of every change and container action. Admins only.'],
  ['health', 'Liveness and database health, for load balancers and monitors. Public.'],
];

export function setupOpenApi(app: INestApplication, version: string): void {
  const builder = new DocumentBuilder()
    .setTitle('ArchNest Containers API')
    .setDescription(
      'Docker containers across many machines: Engine API over TCP/TLS, Docker over SSH, and a ' +
        'push agent. Sign in with `POST /api/auth/login` and send the access token as ' +
        '`Authorization: Bearer <token>`. Every error answer has the `ErrorResponse` shape. ' +
        'See docs/api.md.',
    )
    .setVersion(version)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'POST /api/auth/login' },
      USER_JWT,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'archnest_key_…',
        description:
          'An API key (POST /api/auth/api-keys): accepted wherever the user JWT is, acting ' +
          "with its owner's current role",
      },
      API_KEY,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description:
          'For agent ingest only: a per-host token (`archnest_agent_…`, POST ' +
          '/api/agents/tokens), good for its own hostId only, or the shared ARCHNEST_AGENT_TOKEN',
      },
      AGENT_TOKEN,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'ARCHNEST_METRICS_TOKEN, for the Prometheus export only',
      },
      SCRAPE_TOKEN,
    );
  for (const [name, description] of OPENAPI_TAGS) {
    builder.addTag(name, description);
  }
  const document = SwaggerModule.createDocument(app, builder.build(), {
    // Every operation names its own operationId (verb + noun); this only keeps a forgotten one
    // from becoming `Controller_method`, which generated clients turn into awkward names.
    operationIdFactory: (_controllerKey: string, methodKey: string) => methodKey,
  });
  documentContainerAliases(document);
  acceptApiKeysWithJwt(document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

/** Every operation that takes a user JWT takes an API key too (JwtAuthGuard accepts both). */
function acceptApiKeysWithJwt(document: OpenAPIObject): void {
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as OperationObject[]) {
      // Alias paths share operation objects with their routes: add the scheme once.
      const security = Array.isArray(operation.security) ? operation.security : [];
      if (security.some((r) => USER_JWT in r) && !security.some((r) => API_KEY in r)) {
        security.push({ [API_KEY]: [] });
      }
    }
  }
}
