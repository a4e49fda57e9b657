import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentContainerAliases } from './containers/container-route-aliases';

/** Names of the two security schemes in the OpenAPI document. */
export const USER_JWT = 'user-jwt';
export const AGENT_TOKEN = 'agent-token';

export function setupOpenApi(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('ArchNest Containers API')
    .setDescription(
      'Docker containers across many machines: Engine API over TCP/TLS, Docker over SSH, and a push agent.',
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
        description: 'ARCHNEST_AGENT_TOKEN, for agent ingest only',
      },
      AGENT_TOKEN,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  documentContainerAliases(document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
