// The second reference for the ingest benchmark: the least an ingest must do with a report, on
// bare Fastify — parse, the API's own compiled validation (AgentReportPipe), masking, JSON for
// storage and one SQLite upsert per report — without Nest, TypeORM, authentication, rate
// limiting or security headers. The API's TypeScript is loaded through ts-node.
const { join } = require('node:path');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');

const root = join(__dirname, '../..');
require('ts-node').register({ project: join(root, 'tsconfig.json'), transpileOnly: true });
const tsconfigPaths = require('tsconfig-paths');
const { absoluteBaseUrl, paths } = tsconfigPaths.loadConfig(root);
tsconfigPaths.register({ baseUrl: absoluteBaseUrl, paths });

require('reflect-metadata');
const Fastify = require('fastify');
const { Database } = require('sqlite3');
const { maskEnv } = require('@archnest/contracts');
const {
  AgentReportPipe,
} = require('../../apps/api/src/container-sources/agents/agent-report.pipe');

const UPSERT =
  'INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (host_id) DO UPDATE SET ' +
  ['hostname', 'agent_version', 'report_json', 'container_count', 'reported_at', 'received_at']
    .map((column) => `${column} = excluded.${column}`)
    .join(', ');

const dataDir = mkdtempSync(join(tmpdir(), 'archnest-minimal-ingest-'));
const db = new Database(join(dataDir, 'reports.sqlite'));
db.serialize(() => {
  db.run('PRAGMA journal_mode = WAL');
  db.run('PRAGMA synchronous = NORMAL');
  db.run(
    'CREATE TABLE reports (host_id TEXT PRIMARY KEY, hostname TEXT, agent_version TEXT, ' +
      'report_json TEXT, container_count INTEGER, reported_at TEXT, received_at TEXT)',
  );
});
const run = (sql, values) =>
  new Promise((done, fail) => db.run(sql, values, (error) => (error ? fail(error) : done())));

const validate = new AgentReportPipe();
const app = Fastify({ bodyLimit: 8 * 1024 * 1024 });
app.get('/', async () => ({ ok: true }));
app.post('/report', async (request) => {
  const report = validate.transform(request.body);
  const containers = report.containers.map((container) => ({
    ...container,
    env: maskEnv(container.env),
    stats: container.stats ?? null,
  }));
  const receivedAt = new Date().toISOString();
  await run(UPSERT, [
    report.hostId,
    report.hostname,
    report.agentVersion,
    JSON.stringify(containers),
    containers.length,
    report.reportedAt,
    receivedAt,
  ]);
  return { hostId: report.hostId, receivedAt, containerCount: containers.length };
});

app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () =>
  app.close().then(() =>
    db.close(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }),
  ),
);
