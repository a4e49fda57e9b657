// The second reference of the ingest benchmark: the least an ingest must do with a report, on
// bare Fastify, with the API's own code where there is some: the compiled validator
// (AgentReportPipe), maskEnv, JSON for storage and one SQLite upsert per report; no Nest,
// TypeORM, authentication, rate limiting or security headers. Built by the benchmark with
// `tsc -p scripts/bench/minimal-ingest`.
import './resolve-contracts';
import 'reflect-metadata';
import { maskEnv } from '@archnest/contracts';
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'sqlite3';
import { AgentReportPipe } from '../../../apps/api/src/container-sources/agents/agent-report.pipe';

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

const validate = new AgentReportPipe();
const app = Fastify({ bodyLimit: 8 * 1024 * 1024 });
app.get('/', () => ({ ok: true }));
app.post('/report', async (request) => {
  const report = validate.transform(request.body);
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
