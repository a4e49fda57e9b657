// Agent ingest (part `ingest`, alias `agent-ingest`), in one run: full reports of schema v2
// (50 containers, with their inventory digest) from 1,000 host ids at concurrency 32 against
// bare Fastify that only parses the JSON, the minimal ingest that does the API's work on bare
// Fastify (minimal-ingest/), on one thread and on two, and the built API; then steady reports of
// the same hosts (docs/docker-agent-monitoring.md, "Delta reports") against the same API
// process, once each host's full report has been accepted. Every report carries the time it is
// sent as `reportedAt`, as a live agent's does.
// Targets: API / minimal ingest rate >= 0.85, p99 <= 1.5 times the minimal's, steady / full
// rate >= 3, API RSS growth <= 100 MB over both loads, steady / full bytes <= 0.15.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { agentContainer } from './agent-report.mjs';
import { cpuMs, measure, root, rssMb, startApi, startServer } from './harness.mjs';

const HOSTS = 1000;
const CONTAINERS = 50;
const REPORTS = 10_000;
/** More steady reports than full ones: they are faster, and a run of a few seconds is noise. */
const STEADY_REPORTS = 30_000;
/** Seconds between two runs of the agent (its systemd timer). */
const AGENT_INTERVAL_S = 30;
const CONCURRENCY = 32;
const TOKEN = 'bench-agent-token-0123456789';
const MINIMAL_INGEST = 'dist/bench/minimal-ingest/scripts/bench/minimal-ingest';
/** A steady report's stats order: STEADY_STATS_FIELDS in libs/contracts/src/agent.ts. */
const STEADY_STATS_FIELDS = [
  'cpuPercent',
  'memUsage',
  'memLimit',
  'netRxBytes',
  'netTxBytes',
  'blockReadBytes',
  'blockWriteBytes',
];
const TARGETS = { rate: 0.85, p99: 1.5, steady: 3, rssGrowthMb: 100, wire: 0.15 };

/**
 * The report fixture's containers, their ids made to differ in the first 12 hex as Docker's do
 * (the fixture's differ only at the end), since a steady report names a container by those.
 */
export function benchContainers() {
  return Array.from({ length: CONTAINERS }, (_, i) => ({
    ...agentContainer(i),
    id: i.toString(16).padStart(12, '0').padEnd(64, 'c'),
  }));
}

/** JSON with the keys of every object sorted, as `jq -cS` prints it. */
function sortedJson(value) {
  if (Array.isArray(value)) {
    return `[${value.map(sortedJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${sortedJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Each host's full and steady report as the JSON before and after its `reportedAt` value. The
 * digest is the agent's: SHA-256 of `jq -cS '{hostname, agentVersion, containers: [.containers[]
 * | del(.stats, .status)]}'` (the server keeps it and never recomputes it).
 */
export function reportParts(containers) {
  const agentVersion = '2';
  const inventory = sortedJson(
    containers.map((container) => {
      const rest = { ...container };
      delete rest.stats;
      delete rest.status;
      return rest;
    }),
  );
  const fullContainers = JSON.stringify(containers);
  // Docker's status text goes with the stats (it says how long ago), as the agent sends it.
  const steadyContainers = JSON.stringify(
    containers.map(({ id, status, stats }) => ({
      id: id.slice(0, 12),
      status,
      stats: stats && STEADY_STATS_FIELDS.map((field) => stats[field]),
    })),
  );
  return Array.from({ length: HOSTS }, (_, h) => {
    const hostname = `docker${h}`;
    const digest = createHash('sha256')
      .update(`{"agentVersion":"${agentVersion}","containers":${inventory},`)
      .update(`"hostname":${JSON.stringify(hostname)}}\n`)
      .digest('hex');
    const host = `"hostId":"bench-host-${h}","hostname":"${hostname}","agentVersion":"${agentVersion}"`;
    const parts = (kind, json) => [
      `{"schemaVersion":2,"kind":"${kind}",${host},"reportedAt":"`,
      `","inventoryDigest":"${digest}","containers":${json}}`,
    ];
    return { full: parts('full', fullContainers), steady: parts('steady', steadyContainers) };
  });
}

export const stamped = ([before, after]) => before + new Date().toISOString() + after;

/** Requests that go round the hosts, each report stamped with the time it is sent. */
function rotating(parts) {
  let next = 0;
  return [
    {
      method: 'POST',
      setupRequest: (request) => ({ ...request, body: stamped(parts[next++ % parts.length]) }),
    },
  ];
}

/** Compiles the minimal ingest and writes the API's report schema next to it. */
function buildMinimalIngest() {
  const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });
  run(join(root, 'node_modules/.bin/tsc'), ['-p', 'scripts/bench/minimal-ingest']);
  run(process.execPath, [join(root, MINIMAL_INGEST, 'write-schema.js')]);
}

/** "none", or how many answers of each non-2xx status came, e.g. "409 x 12". */
function non2xx(result) {
  const counts = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, { count }]) => `${code} x ${count}`);
  return counts.length > 0 ? counts.join(', ') : 'none';
}

/**
 * Measures a server and prints where it stands: CPU per report, RSS before (idle, for a fresh
 * server) and after the load, the non-2xx answers by status.
 */
async function measureServer(title, server, options, before = 'idle') {
  const rssBefore = rssMb(server.pid);
  const cpuBefore = cpuMs(server.pid);
  const result = await measure(title, options);
  const cpuAfter = cpuMs(server.pid);
  const perReport = (thread) =>
    ((cpuAfter[thread] - cpuBefore[thread]) / result.responses).toFixed(2);
  const loadedRss = rssMb(server.pid);
  console.log(
    `    server CPU per report ${perReport('main')} ms on its JavaScript thread, ` +
      `${perReport('all')} ms in all threads; RSS ${rssBefore.toFixed(0)} MB ${before}, ` +
      `${loadedRss.toFixed(0)} MB after the load; non-2xx ${non2xx(result)}`,
  );
  return { ...result, rssBefore, loadedRss };
}

/**
 * Posts each host's full report once, CONCURRENCY at a time; the count of each answer status.
 * `headers` may be a function of the host's index (its own token).
 */
export async function postFullReports(url, headers, parts) {
  const statuses = new Map();
  let next = 0;
  const worker = async () => {
    while (next < parts.length) {
      const index = next++;
      const host = parts[index];
      const response = await fetch(url, {
        method: 'POST',
        headers: typeof headers === 'function' ? headers(index) : headers,
        body: stamped(host.full),
      });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

export async function benchIngest() {
  const parts = reportParts(benchContainers());
  const fullParts = parts.map((host) => host.full);
  const steadyParts = parts.map((host) => host.steady);
  const fullBytes = Buffer.byteLength(stamped(fullParts[0]));
  const steadyBytes = Buffer.byteLength(stamped(steadyParts[0]));
  console.log(
    `Agent ingest (schema v2, ${CONTAINERS} containers: full report ` +
      `${(fullBytes / 1024).toFixed(1)} KiB, steady ${(steadyBytes / 1024).toFixed(1)} KiB; ` +
      `${HOSTS} host ids, concurrency ${CONCURRENCY}, ${REPORTS} full reports each, ` +
      `then ${STEADY_REPORTS} steady ones to the API)`,
  );
  const headers = { 'content-type': 'application/json' };
  buildMinimalIngest();
  const fullLoad = { headers, amount: REPORTS, requests: rotating(fullParts) };

  const reference = async (title, script) => {
    const server = await startServer(join(root, script));
    try {
      return await measureServer(title, server, { ...fullLoad, url: `${server.url}/report` });
    } finally {
      await server.stop();
    }
  };
  const bare = await reference('bare Fastify, JSON parse only', 'scripts/bench/bare-fastify.mjs');
  // Where the framework's share ends: the API's work for a report, without Nest & co.
  const minimal = await reference(
    'minimal ingest: same work, no framework',
    join(MINIMAL_INGEST, 'server.js'),
  );
  await reference(
    'minimal ingest, the work in a worker thread',
    join(MINIMAL_INGEST, 'threaded-server.js'),
  );

  const api = await startApi({ ARCHNEST_AGENT_TOKEN: TOKEN });
  try {
    const url = `${api.url}/api/agents/docker/report`;
    const apiHeaders = { ...headers, authorization: `Bearer ${TOKEN}` };
    const full = await measureServer('POST /api/agents/docker/report, full', api, {
      ...fullLoad,
      url,
      headers: apiHeaders,
    });
    // The steady load needs every host's digest held: each host's full report, accepted.
    const accepted = await postFullReports(url, apiHeaders, parts);
    const answers = [...accepted].map(([status, count]) => `${status} x ${count}`).join(', ');
    console.log(`  each host's full report once more before the steady load: ${answers}`);
    if ((accepted.get(200) ?? 0) !== HOSTS) {
      console.log('  warning: not every host has its digest held; expect 409s below');
    }
    const steady = await measureServer(
      'POST /api/agents/docker/report, steady',
      api,
      { url, headers: apiHeaders, amount: STEADY_REPORTS, requests: rotating(steadyParts) },
      'before',
    );

    const figures = {
      rate: full.rate / minimal.rate,
      p99: full.latency.p99 / minimal.latency.p99,
      steady: steady.rate / full.rate,
      rssGrowthMb: steady.loadedRss - full.rssBefore,
      wire: steadyBytes / fullBytes,
    };
    const cores = availableParallelism();
    console.log(
      `  API full reports ${Math.round(full.rate)}/s (${((full.rate / bare.rate) * 100).toFixed(0)} % ` +
        `of bare Fastify's), steady ${Math.round(steady.rate)}/s; RSS ${full.rssBefore.toFixed(0)} ` +
        `MB idle, ${steady.loadedRss.toFixed(0)} MB after both loads`,
    );
    console.log(
      `  on paper: one ${cores}-core server holds ${Math.round(steady.rate * AGENT_INTERVAL_S)} ` +
        `agent hosts at a ${AGENT_INTERVAL_S} s interval (the steady rate x ${AGENT_INTERVAL_S})`,
    );
    console.log(
      `  targets: api/minimal >= ${TARGETS.rate}, p99 api/minimal <= ${TARGETS.p99}, ` +
        `steady/full >= ${TARGETS.steady}, rss growth <= ${TARGETS.rssGrowthMb} MB, ` +
        `wire steady/full <= ${TARGETS.wire}`,
    );
    console.log(
      `ingest: api/minimal ${figures.rate.toFixed(2)}, p99 api/minimal ${figures.p99.toFixed(2)}, ` +
        `steady/full ${figures.steady.toFixed(2)}, rss growth ${figures.rssGrowthMb.toFixed(0)} MB, ` +
        `wire steady/full ${figures.wire.toFixed(3)}`,
    );
  } finally {
    await api.stop();
  }
}
