// Metrics history (docs/metrics.md): ingest with the history on vs off (metrics-ingest.mjs),
// then a database holding 30 days of history for 100 containers (metrics-fixture.mjs): one
// container's 30-day query against its 1-hour query over HTTP, one maintenance pass (rollups
// and pruning, the module's own code) on it, and the database's size and bytes per
// container-day of each tier. Figures only. Targets: ingest on/off >= 0.9, 30 d / 1 h <= 3x.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_CONTAINERS, fillHistory } from './metrics-fixture.mjs';
import { agentContainer } from './agent-report.mjs';
import { benchMetricsIngest } from './metrics-ingest.mjs';
import { ADMIN_PASSWORD, adminToken, root, startServer } from './harness.mjs';

const TOKEN = 'bench-agent-token-0123456789';
const SCRAPE_TOKEN = 'bench-scrape-token-0123456789';
const HOST_ID = 'bench-history';
const IMAGE = 'nginx:1.27';
const RANGES = ['1h', '6h', '24h', '7d', '30d'];
const REPETITIONS = 60;
const MAINTENANCE_PASSES = 3;
const DAY = 86_400;
/** The retention defaults (config/app-config.ts), in days: the fixture fills these windows. */
const DEFAULT_RETENTION_DAYS = { raw: 1, 60: 7, 900: 90, 3600: 365 };

const names = Array.from({ length: FIXTURE_CONTAINERS }, (_, i) => `app-${i}`);

function startFixtureApi(dataDir, env = {}) {
  return startServer(
    join(root, 'dist/apps/api/main.js'),
    {
      ARCHNEST_DATA_DIR: dataDir,
      ARCHNEST_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ARCHNEST_AGENT_TOKEN: TOKEN,
      ...env,
    },
    '/api/health',
  );
}

/** Migrates a fresh database and makes the agent host known (one report, history off). */
async function prepareDatabase(dataDir) {
  const api = await startFixtureApi(dataDir, { ARCHNEST_METRICS_HISTORY: 'off' });
  try {
    const containers = names.map((_, i) => ({ ...agentContainer(i), image: IMAGE }));
    const response = await fetch(`${api.url}/api/agents/docker/report`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        hostId: HOST_ID,
        hostname: 'history',
        agentVersion: '1',
        reportedAt: new Date().toISOString(),
        containers,
      }),
    });
    if (!response.ok) {
      throw new Error(`agent report: ${response.status} ${await response.text()}`);
    }
  } finally {
    await api.stop();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p90 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)];

async function timedGet(url, headers) {
  const started = performance.now();
  const response = await fetch(url, { headers });
  const body = await response.text();
  const ms = performance.now() - started;
  if (!response.ok) {
    throw new Error(`GET ${url}: ${response.status} ${body}`);
  }
  return { ms, body };
}

/** Every range of one container, interleaved, REPETITIONS times after one warm-up round. */
async function timeQueries(api) {
  const headers = { authorization: `Bearer ${await adminToken(api.url)}` };
  const url = (range) => `${api.url}/api/containers/agent/${HOST_ID}/app-7/metrics?range=${range}`;
  const times = Object.fromEntries(RANGES.map((range) => [range, []]));
  const shape = {};
  for (let i = 0; i <= REPETITIONS; i++) {
    for (const range of RANGES) {
      const { ms, body } = await timedGet(url(range), headers);
      if (i === 0) {
        const { step, points } = JSON.parse(body);
        shape[range] = {
          step,
          points: points.length,
          filled: points.filter((p) => p.cpuPercent !== null).length,
        };
      } else {
        times[range].push(ms);
      }
    }
  }
  for (const range of RANGES) {
    const { step, points, filled } = shape[range];
    console.log(
      `  GET …/metrics?range=${range.padEnd(4)} median ${median(times[range]).toFixed(1).padStart(5)} ms` +
        `  p90 ${p90(times[range]).toFixed(1).padStart(5)} ms  (${points} points, ${filled} with data, step ${step} s)`,
    );
  }
  const ratio = median(times['30d']) / median(times['1h']);
  console.log(`  30d / 1h (median): ${ratio.toFixed(2)}x   (target <= 3x)`);
  const scrape = [];
  let exported = 0;
  for (let i = 0; i < 10; i++) {
    const { ms, body } = await timedGet(`${api.url}/api/metrics`, {
      authorization: `Bearer ${SCRAPE_TOKEN}`,
    });
    scrape.push(ms);
    exported = body
      .split('\n')
      .filter((line) => line.startsWith('archnest_container_cpu_percent{')).length;
  }
  console.log(
    `  GET /api/metrics (Prometheus scrape, ${exported} containers exported) median ` +
      `${median(scrape).toFixed(1)} ms`,
  );
}

/** The module's own MetricsStore and MetricsMaintenance, loaded from TypeScript. */
function loadMaintenance() {
  const require = createRequire(import.meta.url);
  require('ts-node').register({
    transpileOnly: true,
    project: join(root, 'apps/api/test/harness/tsconfig.jest.json'),
  });
  require('tsconfig-paths').register({
    baseUrl: root,
    paths: { '@archnest/contracts': ['libs/contracts/src/index.ts'] },
  });
  require('reflect-metadata');
  return {
    DataSource: require('typeorm').DataSource,
    MetricsStore: require(join(root, 'apps/api/src/metrics/metrics.store.ts')).MetricsStore,
    MetricsMaintenance: require(join(root, 'apps/api/src/metrics/metrics-maintenance.ts'))
      .MetricsMaintenance,
  };
}

/** Times MetricsMaintenance.run (fold every tier, prune) on the fixture, a minute apart. */
async function timeMaintenance(path, now) {
  const { DataSource, MetricsStore, MetricsMaintenance } = loadMaintenance();
  const db = new DataSource({ type: 'sqlite', database: path, enableWAL: true });
  await db.initialize();
  try {
    const retention = Object.fromEntries(
      Object.entries(DEFAULT_RETENTION_DAYS).map(([tier, days]) => [tier, days * DAY]),
    );
    const maintenance = new MetricsMaintenance(
      new MetricsStore(db),
      { forgetSeries: () => undefined },
      { holds: () => Promise.resolve(true) },
      { metrics: { retention } },
    );
    const passes = [];
    for (let i = 0; i < MAINTENANCE_PASSES; i++) {
      const started = performance.now();
      await maintenance.run(now + i * 60);
      passes.push(performance.now() - started);
    }
    console.log(
      `  MetricsMaintenance.run (fold + prune) on it: median ${median(passes).toFixed(0)} ms ` +
        `of ${MAINTENANCE_PASSES} passes a minute apart (${passes.map((ms) => ms.toFixed(0)).join(', ')} ms); ` +
        'it holds the one SQLite connection meanwhile',
    );
  } finally {
    await db.destroy();
  }
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

function printSizes(fill, path) {
  console.log(
    `  database after the fixture: ${mb(statSync(path).size)} file ` +
      `(${fill.tables.map((t) => `${t.name} ${mb(Number(t.bytes))}`).join(', ')})`,
  );
  let perContainer = 0;
  for (const { name, tier, days, rows, bytes } of fill.tiers) {
    const perDay = bytes / (FIXTURE_CONTAINERS * days);
    perContainer += perDay * DEFAULT_RETENTION_DAYS[tier];
    console.log(
      `  ${name.padEnd(9)} ${String(rows).padStart(8)} rows, ${mb(bytes).padStart(9)}: ` +
        `${(bytes / rows).toFixed(1)} B/row, ${kb(perDay)} per container-day`,
    );
  }
  console.log(
    `  one container at the default retention (raw 24 h, 1 min 7 d, 15 min 90 d, 1 h 365 d): ` +
      `${mb(perContainer)}`,
  );
}

async function benchMetricsHistory() {
  console.log(
    `Metrics history: ${FIXTURE_CONTAINERS} containers, 30 days (SQLite; raw 5 s for 24 h, ` +
      '1 min for 7 d, 15 min and 1 h for 30 d)',
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'archnest-bench-metrics-history-'));
  const path = join(dataDir, 'archnest.sqlite');
  try {
    await prepareDatabase(dataDir);
    const now = Math.floor(Date.now() / 1000);
    const fill = await fillHistory(path, {
      source: 'agent',
      hostId: HOST_ID,
      names,
      image: IMAGE,
      now,
    });
    console.log(`  fixture written in ${fill.seconds.toFixed(1)} s (SQLite ${fill.version})`);
    printSizes(fill, path);
    const api = await startFixtureApi(dataDir, { ARCHNEST_METRICS_TOKEN: SCRAPE_TOKEN });
    try {
      await timeQueries(api);
    } finally {
      await api.stop();
    }
    await timeMaintenance(path, now);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchMetrics() {
  const cpu = cpus();
  console.log(
    `Metrics (${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `Linux ${release()} ${arch()})`,
  );
  await benchMetricsIngest();
  await benchMetricsHistory();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchMetrics();
}
