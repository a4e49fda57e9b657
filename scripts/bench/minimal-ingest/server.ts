// The second reference of the ingest benchmark: the least an ingest must do with a report, on
// bare Fastify: the API's JSON Schema for reports checked by the same Ajv set-up (written by
// write-schema.ts), maskEnv, JSON for storage and one SQLite upsert per report. No Nest,
// class-validator, TypeORM, authentication, rate limiting or security headers are loaded.
// Built and prepared by the benchmark (`tsc -p scripts/bench/minimal-ingest`).
import Fastify from 'fastify';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'sqlite3';
import type { AgentReport } from '../../../libs/contracts/src/agent';
import { maskEnv } from '../../../libs/contracts/src/masking';
import { compileJsonSchema } from '../../../apps/api/src/common/validation/json-schema-validator';

const COLUMNS = ['hostname', 'agent_version', 'report_json', 'container_count', 'reported_at'];
const UPSERT =
  'INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (host_id) DO UPDATE SET ' +
  [...COLUMNS, 'received_at'].map((column) => `${column} = excluded.${column}`).join(', ');

const dataDir = mkdtempSync(join(tmpdir(), 'archnest-minimal-ingest-'));
const db = new Database(join(dataDir, 'reports.sqlite'));
db.serialize(() => {
  db.run('PRAGMA journal_mode = WAL');
  db.run('PRAGMA synchronous = NORMAL');
  db.run(`CREATE TABLE reports (host_id TEXT PRIMARY KEY, ${COLUMNS.join(', ')}, received_at)`);
});

function upsert(values: unknown[]): Promise<void> {
  return new Promise((done, fail) =>
    db.run(UPSERT, values, (error: Error | null) => (error ? fail(error) : done())),
  );
}

const isReport = compileJsonSchema(
  JSON.parse(readFileSync(join(__dirname, 'report-schema.json'), 'utf8')) as object,
);
const app = Fastify({ bodyLimit: 8 * 1024 * 1024 });
app.get('/', () => ({ ok: true }));
app.post('/report', async (request, reply) => {
  if (!isReport(request.body)) {
    return reply.code(400).send({ message: isReport.errors });
  }
  const report = request.body as AgentReport;
  const containers = report.containers.map((container) => ({
    ...container,
    env: maskEnv(container.env),
    stats: container.stats ?? null,
  }));
  const receivedAt = new Date().toISOString();
  await upsert([
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

void app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => {
  void app.close().then(() =>
    db.close(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }),
  );
});
