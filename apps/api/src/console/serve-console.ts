import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Serves the built Angular console at `/`. Unknown client routes get index.html so deep links
 * work; anything under /api stays a JSON 404.
 */
export async function serveConsole(app: NestFastifyApplication, webDir: string): Promise<void> {
  if (!existsSync(join(webDir, 'index.html'))) {
    new Logger('Console').warn(`No built console in ${webDir}; serving the API only`);
    return;
  }
  await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
  app
    .getHttpAdapter()
    .getInstance()
    .get('/*', (request, reply) => {
      if (request.url === '/api' || request.url.startsWith('/api/')) {
        return reply.code(404).send({
          statusCode: 404,
          error: 'Not Found',
          message: `Cannot ${request.method} ${request.url.split('?')[0]}`,
        });
      }
      return reply.sendFile('index.html');
    });
}
