// Agent ingest: 50-container reports from 1,000 host ids at concurrency 32, against a bare
// Fastify endpoint that only parses the same JSON, in the same run, and a minimal ingest that
// does the API's work on bare Fastify (minimal-ingest/), on one thread and on two.
// Targets: >= 1,000 reports/s, >= 30 % of the bare rate, p99 <= 50 ms, RSS <= 150 MB.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { agentContainer as container } from './agent-report.mjs';
import { cpuMs, measure, root, rssMb, startApi, startServer } from './harness.mjs';

const HOSTS = 1000;
const REPORTS = 10_000;
const TOKEN = 'bench-agent-token-0123456789';
const MINIMAL_INGEST = 'dist/bench/minimal-ingest/scripts/bench/minimal-ingest';

function reportBodies() {
  const containers = Array.from({ length: 50 }, (_, i) => container(i));
  return Array.from({ length: HOSTS }, (_, h) =>
    JSON.stringify({
      hostId: `bench-host-${h}`,
      hostname: `docker${h}`,
      agentVersion: '1',
      reportedAt: new Date().toISOString(),
      containers,
    }),
  );
}

function rotating(bodies) {
  let next = 0;
  return [
    {
      method: 'POST',
      setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
    },
  ];
}

/** Compiles the minimal ingest and writes the API's report schema next to it. */
function buildMinimalIngest() {
  const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });
  run(join(root, 'node_modules/.bin/tsc'), ['-p', 'scripts/bench/minimal-ingest']);
  run(process.execPath, [join(root, MINIMAL_INGEST, 'write-schema.js')]);
}

/** Measures a server and prints where it stands: CPU per report, RSS idle and after the load. */
async function measureServer(title, server, options) {
  const idleRss = rssMb(server.pid);
  const before = cpuMs(server.pid);
  const result = await measure(title, options);
  const after = cpuMs(server.pid);
  const perReport = (thread) => ((after[thread] - before[thread]) / result.responses).toFixed(2);
  const loadedRss = rssMb(server.pid);
  console.log(
    `    server CPU per report ${perReport('main')} ms on its JavaScript thread, ` +
      `${perReport('all')} ms in all threads; RSS ${idleRss.toFixed(0)} MB idle, ` +
      `${loadedRss.toFixed(0)} MB after the load`,
  );
  return { ...result, loadedRss };
}

export async function benchAgentIngest() {
  const bodies = reportBodies();
  console.log(
    `Agent ingest (50 containers, ${(bodies[0].length / 1024).toFixed(1)} KiB per report, ` +
      `${HOSTS} host ids, concurrency 32, ${REPORTS} reports each)`,
  );
  const headers = { 'content-type': 'application/json' };
  buildMinimalIngest();

  const reference = async (title, script) => {
    const server = await startServer(join(root, script));
    try {
      return await measureServer(title, server, {
        url: `${server.url}/report`,
        headers,
        amount: REPORTS,
        requests: rotating(bodies),
      });
    } finally {
      await server.stop();
    }
  };
  const bareResult = await reference(
    'bare Fastify, JSON parse only',
    'scripts/bench/bare-fastify.mjs',
  );
  // Where the framework's share ends: the API's work for a report, without Nest & co.
  await reference('minimal ingest: same work, no framework', join(MINIMAL_INGEST, 'server.js'));
  await reference(
    'minimal ingest, the work in a worker thread',
    join(MINIMAL_INGEST, 'threaded-server.js'),
  );

  const api = await startApi({ ARCHNEST_AGENT_TOKEN: TOKEN });
  try {
    const result = await measureServer('POST /api/agents/docker/report', api, {
      url: `${api.url}/api/agents/docker/report`,
      headers: { ...headers, authorization: `Bearer ${TOKEN}` },
      amount: REPORTS,
      requests: rotating(bodies),
    });
    const ratio = result.rate / bareResult.rate;
    console.log(`  ratio to bare Fastify: ${(ratio * 100).toFixed(0)} %   (target >= 30 %)`);
    console.log(
      `  reports/s ${Math.round(result.rate)} (target >= 1000), p99 ${result.latency.p99} ms (target <= 50)`,
    );
    console.log(
      `  API RSS after ${REPORTS} reports from ${HOSTS} hosts: ${result.loadedRss.toFixed(1)} MB (target <= 150)`,
    );
  } finally {
    await api.stop();
  }
}
