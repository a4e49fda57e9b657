// Agent ingest with the metrics history on and off: the agent ingest benchmark's load
// (agent-ingest.mjs: 50-container reports from 1,000 host ids at concurrency 32) against two
// API processes, one with ARCHNEST_METRICS_HISTORY=on and one with off, each on a fresh data
// dir. Every report carries the time it is sent as `reportedAt`, as a live agent's does, so the
// history gets new samples rather than repeats. Before the measured load each host reports once
// (its 50 series are created), and the history's queue is let drain.
// Target: ingest rate on / off >= 0.9.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentContainer } from './agent-report.mjs';
import { openDatabase } from './metrics-fixture.mjs';
import { ADMIN_PASSWORD, cpuMs, measure, root, rssMb, startServer } from './harness.mjs';

const HOSTS = 1000;
const CONTAINERS = 50;
const REPORTS = 6_000;
/** The measured load is split in rounds, alternated between the two APIs. */
const ROUNDS = 2;
const TOKEN = 'bench-agent-token-0123456789';

/** Each host's report as the JSON before and after its `reportedAt` value. */
function reportParts() {
  const containers = JSON.stringify(
    Array.from({ length: CONTAINERS }, (_, i) => agentContainer(i)),
  );
  return Array.from({ length: HOSTS }, (_, h) => [
    `{"hostId":"bench-host-${h}","hostname":"docker${h}","agentVersion":"1","reportedAt":"`,
    `","containers":${containers}}`,
  ]);
}

/**
 * Requests that go round the hosts, each stamped with the time it is sent; `sent` counts the
 * distinct (host, second) pairs, the samples the history can keep (one per series and second).
 */
function stampedReports(parts) {
  let next = 0;
  const sent = new Set();
  const requests = [
    {
      method: 'POST',
      setupRequest: (request) => {
        const host = next++ % parts.length;
        const at = new Date();
        sent.add(`${host}@${Math.floor(at.getTime() / 1000)}`);
        return { ...request, body: parts[host][0] + at.toISOString() + parts[host][1] };
      },
    },
  ];
  return { requests, distinctSamples: () => sent.size * CONTAINERS };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the history's tables until their row counts stop changing (the queue has drained). */
async function settledCounts(db, wantedSeries) {
  let last = '';
  for (let i = 0; i < 240; i++) {
    const [{ series, samples }] = await db.all(
      'SELECT (SELECT COUNT(*) FROM metric_series) AS series, ' +
        '(SELECT COUNT(*) FROM metric_samples) AS samples',
    );
    const now = `${series}/${samples}`;
    if (series >= wantedSeries && now === last) {
      return { series, samples };
    }
    last = now;
    await sleep(1_500);
  }
  throw new Error('the metrics history did not drain within 6 minutes');
}

/** An API on a fresh data dir with the history on or off, its first report of every host sent. */
async function startIngestApi(history, parts) {
  const dataDir = mkdtempSync(join(tmpdir(), `archnest-bench-metrics-${history}-`));
  const api = await startServer(
    join(root, 'dist/apps/api/main.js'),
    {
      ARCHNEST_DATA_DIR: dataDir,
      ARCHNEST_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ARCHNEST_AGENT_TOKEN: TOKEN,
      ARCHNEST_METRICS_HISTORY: history,
    },
    '/api/health',
  ).catch((error) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const db = openDatabase(join(dataDir, 'archnest.sqlite'));
  const options = {
    url: `${api.url}/api/agents/docker/report`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
  };
  const side = {
    history,
    api,
    db,
    options,
    rounds: [],
    written: 0,
    distinct: 0,
    cpuMs: 0,
    diskBytes: 0,
  };
  side.stop = async () => {
    await db.close();
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const started = performance.now();
    await measure(`history ${history}: first report of every host`, {
      ...options,
      amount: HOSTS,
      requests: stampedReports(parts).requests,
    });
    side.counts = await settledCounts(db, history === 'on' ? HOSTS * CONTAINERS : 0);
    side.warmSeconds = (performance.now() - started) / 1000;
    return side;
  } catch (error) {
    await side.stop();
    throw error;
  }
}

/** Bytes a process has had written to storage so far (its SQLite file and WAL included). */
function writtenBytes(pid) {
  return Number(/^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
}

/**
 * One round of the measured load; its samples, CPU time and bytes written are counted until the
 * history's queue drained.
 */
async function round(side, parts) {
  const load = stampedReports(parts);
  const cpuBefore = cpuMs(side.api.pid).all;
  const writtenBefore = writtenBytes(side.api.pid);
  const result = await measure(`POST /api/agents/docker/report, history ${side.history}`, {
    ...side.options,
    amount: REPORTS / ROUNDS,
    requests: load.requests,
  });
  side.loadedRss = Math.max(side.loadedRss ?? 0, rssMb(side.api.pid));
  const counts = await settledCounts(side.db, side.counts.series);
  side.written += counts.samples - side.counts.samples;
  side.distinct += load.distinctSamples();
  side.counts = counts;
  side.cpuMs += cpuMs(side.api.pid).all - cpuBefore;
  side.diskBytes += writtenBytes(side.api.pid) - writtenBefore;
  side.rounds.push(result);
}

/** Reports per second over all rounds of a side, and its worst p99. */
function summary(side) {
  const responses = side.rounds.reduce((sum, r) => sum + r.responses, 0);
  const seconds = side.rounds.reduce((sum, r) => sum + r.responses / r.rate, 0);
  return {
    rate: responses / seconds,
    p99: Math.max(...side.rounds.map((r) => r.latency.p99)),
    cpuPerReport: side.cpuMs / responses,
    writtenPerReport: side.diskBytes / responses,
  };
}

export async function benchMetricsIngest() {
  const parts = reportParts();
  console.log(
    `Agent ingest, metrics history on vs off (${CONTAINERS} containers per report, ${HOSTS} ` +
      `host ids, concurrency 32, reportedAt = time sent; ${REPORTS} reports each, in rounds ` +
      'off, on, on, off)',
  );
  const off = await startIngestApi('off', parts);
  let on;
  try {
    on = await startIngestApi('on', parts);
    // ABBA: a drift of the machine's load falls on both sides alike.
    for (const side of [off, on, on, off]) {
      await round(side, parts);
    }
  } finally {
    await on?.stop();
    await off.stop();
  }
  const [rateOn, rateOff] = [summary(on), summary(off)];
  console.log(
    `  history on: ${on.counts.series} series; first report of every host until the queue ` +
      `drained ${on.warmSeconds.toFixed(1)} s (off: ${off.warmSeconds.toFixed(1)} s)`,
  );
  console.log(
    `  history on: ${on.written} samples written during the load, of ${on.distinct} distinct ` +
      `(host, second) samples sent (${((on.written / on.distinct) * 100).toFixed(1)} %)`,
  );
  console.log(
    `  per report, until the queue drained: CPU (all threads) on ${rateOn.cpuPerReport.toFixed(2)} ms, ` +
      `off ${rateOff.cpuPerReport.toFixed(2)} ms; written to disk on ` +
      `${(rateOn.writtenPerReport / 1024).toFixed(1)} KiB, off ${(rateOff.writtenPerReport / 1024).toFixed(1)} KiB`,
  );
  console.log(
    `  API RSS after the load: on ${on.loadedRss.toFixed(0)} MB, off ${off.loadedRss.toFixed(0)} MB`,
  );
  console.log(
    `  reports/s on ${Math.round(rateOn.rate)}, off ${Math.round(rateOff.rate)}; ` +
      `p99 on ${rateOn.p99} ms, off ${rateOff.p99} ms; ` +
      `ratio on/off ${(rateOn.rate / rateOff.rate).toFixed(2)}   (target >= 0.9)`,
  );
}
