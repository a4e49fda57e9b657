// The reference for the ingest benchmark: a bare Fastify endpoint that only parses the same JSON.
import Fastify from 'fastify';

const app = Fastify({ bodyLimit: 8 * 1024 * 1024 });
app.get('/', async () => ({ ok: true }));
app.post('/report', async (request) => ({ containers: request.body.containers.length }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
