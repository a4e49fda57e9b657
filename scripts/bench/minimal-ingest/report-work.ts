// What both minimal ingests do with a report, apart from where they do it.
import Fastify from 'fastify';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'sqlite3';
import type { AgentReport } from '../../../libs/contracts/src/agent';
import { maskEnv } from '../../../libs/contracts/src/masking';
import { compileJsonSchema } from '../../../apps/api/src/common/validation/json-schema-validator';

/** A checked report as it is stored: containers masked and serialised. */
export interface StoredReport {
  hostId: string;
  hostname: string;
  agentVersion: string;
  reportedAt: string;
  containersJson: string;
  containerCount: number;
}

/** Checks a parsed body against the API's report schema and masks it; null when it is invalid. */
export function reportChecker(): (body: unknown) => StoredReport | null {
  const schema = readFileSync(join(__dirname, 'report-schema.json'), 'utf8');
  const isReport = compileJsonSchema(JSON.parse(schema) as object);
  return (body) => {
    if (!isReport(body)) {
      return null;
    }
    const report = body as AgentReport;
    const containers = report.containers.map((container) => ({
      ...container,
      env: maskEnv(container.env),
      stats: container.stats ?? null,
    }));
    return {
      hostId: report.hostId,
      hostname: report.hostname,
      agentVersion: report.agentVersion,
      reportedAt: report.reportedAt,
      containersJson: JSON.stringify(containers),
      containerCount: containers.length,
    };
  };
}

const COLUMNS = ['hostname', 'agent_version', 'report_json', 'container_count', 'reported_at'];
const UPSERT =
  'INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (host_id) DO UPDATE SET ' +
  [...COLUMNS, 'received_at'].map((column) => `${column} = excluded.${column}`).join(', ');

/**
 * Serves POST /report on bare Fastify: `check` turns the body into a stored report (null: 400),
 * then one upsert in a fresh SQLite file in WAL mode. With `rawJson` the body arrives as text.
 */
export function serveIngest(
  check: (body: unknown) => Promise<StoredReport | null>,
  { rawJson = false } = {},
): void {
  const dataDir = mkdtempSync(join(tmpdir(), 'archnest-minimal-ingest-'));
  const db = new Database(join(dataDir, 'reports.sqlite'));
  db.serialize(() => {
    db.run('PRAGMA journal_mode = WAL');
    db.run('PRAGMA synchronous = NORMAL');
    db.run(`CREATE TABLE reports (host_id TEXT PRIMARY KEY, ${COLUMNS.join(', ')}, received_at)`);
  });
  const upsert = (values: unknown[]) =>
    new Promise<void>((done, fail) =>
      db.run(UPSERT, values, (error: Error | null) => (error ? fail(error) : done())),
    );

  const app = Fastify({ bodyLimit: 8 * 1024 * 1024 });
  if (rawJson) {
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_, text, done) =>
      done(null, text),
    );
  }
  app.get('/', () => ({ ok: true }));
  app.post('/report', async (request, reply) => {
    const report = await check(request.body);
    if (!report) {
      return reply.code(400).send({ message: 'invalid report' });
    }
    const receivedAt = new Date().toISOString();
    const { hostId, hostname, agentVersion, containersJson, containerCount, reportedAt } = report;
    await upsert([
      hostId,
      hostname,
      agentVersion,
      containersJson,
      containerCount,
      reportedAt,
      receivedAt,
    ]);
    return { hostId, receivedAt, containerCount };
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
}
