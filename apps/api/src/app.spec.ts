import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { addSecurityHeaders, helmetHeaders } from './app';

// app.ts also serves the console through @fastify/static, ESM-only, which the unit project
// cannot load (the integration config compiles it); these specs never serve the console.
jest.mock('./console/serve-console', () => ({ serveConsole: jest.fn() }));

const OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], upgradeInsecureRequests: null } },
};

/** Status and every response header but the clock, in the order sent. */
async function answer(app: FastifyInstance, method: 'GET' | 'POST', url: string) {
  const response = await app.inject({
    method,
    url,
    ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, payload: '{' } : {}),
  });
  const { date, ...headers } = response.headers;
  expect(date).toBeDefined();
  return { status: response.statusCode, headers: Object.entries(headers) };
}

async function server(securityHeaders: (app: FastifyInstance) => PromiseLike<unknown>) {
  const app = Fastify();
  await securityHeaders(app);
  app.get('/ok', () => ({ ok: true }));
  app.get('/fails', () => {
    throw new Error('boom');
  });
  app.post('/json', () => ({ ok: true }));
  await app.ready();
  return app;
}

describe('security headers', () => {
  it('are the headers @fastify/helmet sets, as it spells them', async () => {
    const headers = new Map(await helmetHeaders(OPTIONS));
    expect(headers.get('Content-Security-Policy')).toMatch(/^default-src 'self';/);
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(headers.get('Strict-Transport-Security')).toMatch(/^max-age=\d+/);
    expect(headers.size).toBeGreaterThanOrEqual(10);
  });

  it('refuse options whose headers change per response', async () => {
    await expect(helmetHeaders({ ...OPTIONS, enableCSPNonces: true })).rejects.toThrow(/nonces/);
  });

  it('answer exactly as with the plugin registered, on success, 404, 500 and 400', async () => {
    const withPlugin = await server((app) => app.register(helmet, OPTIONS));
    const precomputed = await server((app) => addSecurityHeaders(app, OPTIONS));
    const requests: ['GET' | 'POST', string][] = [
      ['GET', '/ok'],
      ['GET', '/missing'],
      ['GET', '/fails'],
      ['POST', '/json'],
    ];
    for (const [method, url] of requests) {
      const expected = await answer(withPlugin, method, url);
      expect(await answer(precomputed, method, url)).toEqual(expected);
    }
    await Promise.all([withPlugin.close(), precomputed.close()]);
  });
});
