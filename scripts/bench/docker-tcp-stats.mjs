// Docker Engine API (docker-tcp): stats of 20 running containers through the API, all 20
// requested at once as the console does for a table, next to `docker stats --no-stream` for the
// same 20 on the same engine, in the same run. Target: API wall time <= 0.5x the CLI's.
// The API's stats collector samples every running container every 5 s in the background, so a
// request is answered from its last round (docs/docker-tcp.md, "Stats"). Reported four ways: a
// first look at the table once the host is watched (one collector round after it was added), a
// console polling back to back, its refresh 10 s later, and a request right after the host was
// added, before the collector's first round ended (cold: two samples per container). The
// engine's version is printed because it decides the cold figure: 20.10 serves one-shot samples
// from its 1 s collector, newer engines answer them at once.
//
// Needs what the integration tests need (root, dockerd, busybox-static): it starts the test
// harness (apps/api/test/harness) for the run and tears it down after. Without root, or while an
// integration run owns the harness, it prints why and skips.
import { adminToken, apiCall, startApi, withTestInfra } from './harness.mjs';

const CONTAINERS = 20;
const ROUNDS = 5;
/** The console refreshes a table's stats this often (apps/web/.../live-stats.ts, maxAgeMs). */
const CONSOLE_REFRESH_MS = 10_000;
const REFRESH_ROUNDS = 3;
/** ARCHNEST_DOCKER_STATS_INTERVAL_MS's default; a first look comes one round after the host is added. */
const COLLECTOR_INTERVAL_MS = 5_000;

async function wallMs(work) {
  const started = process.hrtime.bigint();
  const result = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function compare(infra, harness) {
  const names = Array.from({ length: CONTAINERS }, (_, i) => `bench-stats-${i}`);
  for (const name of names) {
    await harness.runDocker(['run', '-d', '--name', name, infra.docker.image, 'sleep', '3600']);
  }
  const apiServer = await startApi();
  try {
    const token = await adminToken(apiServer.url);
    const url = `unix://${infra.docker.socketPath}`;
    const host = await apiCall(apiServer.url, token, 'POST', '/api/docker/hosts', {
      name: 'bench',
      url,
    });
    const engine = await apiCall(apiServer.url, token, 'POST', `/api/docker/hosts/${host.id}/test`);
    const stats = (name) =>
      apiCall(apiServer.url, token, 'GET', `/api/docker/hosts/${host.id}/containers/${name}/stats`);
    const viaApi = () => Promise.all(names.map(stats));
    const viaCli = () => harness.runDocker(['stats', '--no-stream', ...names]);
    const check = (result) => {
      if (result.some((s) => typeof s.cpuPercent !== 'number' || !(s.memUsage > 0))) {
        throw new Error(`incomplete stats from the API: ${JSON.stringify(result[0])}`);
      }
    };
    // Cold: right after the host was added, before the collector's first round ended.
    const cold = await wallMs(viaApi);
    check(cold.result);
    await viaCli();
    // A first look at the table once the collector watches the host.
    await new Promise((resolve) => setTimeout(resolve, COLLECTOR_INTERVAL_MS));
    const first = await wallMs(viaApi);
    check(first.result);
    // Warm, requests back to back: the API's previous sample is a few seconds old.
    const apiTimes = [];
    const cliTimes = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { ms, result } = await wallMs(viaApi);
      check(result);
      apiTimes.push(ms);
      cliTimes.push((await wallMs(viaCli)).ms);
    }
    // The console's refresh, 10 s later.
    const refreshTimes = [];
    for (let round = 0; round < REFRESH_ROUNDS; round++) {
      await new Promise((resolve) => setTimeout(resolve, CONSOLE_REFRESH_MS));
      const { ms, result } = await wallMs(viaApi);
      check(result);
      refreshTimes.push(ms);
    }
    const refresh = { ms: median(refreshTimes) };
    const [apiMs, cliMs] = [median(apiTimes), median(cliTimes)];
    const row = (title, ms) => console.log(`  ${title.padEnd(64)} ${ms.toFixed(0).padStart(6)} ms`);
    console.log(
      `  ${CONTAINERS} running containers on dockerd ${engine.version} (API ${engine.apiVersion});` +
        ` wall time for all 20, median of ${ROUNDS} rounds (refresh: ${REFRESH_ROUNDS})`,
    );
    row('docker stats --no-stream (the 20 names)', cliMs);
    row('API, 20 x GET …/stats at once, polling (warm)', apiMs);
    row('API, 20 x GET …/stats at once, 10 s later (refresh)', refresh.ms);
    row('API, 20 x GET …/stats at once, first look (host watched)', first.ms);
    row('API, 20 x GET …/stats at once, just after adding the host (cold)', cold.ms);
    const ratio = (ms) => `${(ms / cliMs).toFixed(2)}x`;
    console.log(
      `  ratio API / CLI: ${ratio(first.ms)} first look, ${ratio(apiMs)} polling,` +
        ` ${ratio(refresh.ms)} refresh (target <= 0.5x); ${ratio(cold.ms)} cold, before the` +
        ` collector's first round`,
    );
  } finally {
    await apiServer.stop();
  }
}

export async function benchDockerTcpStats() {
  console.log(
    'Docker Engine API: stats of 20 containers, API vs docker stats --no-stream (same engine)',
  );
  await withTestInfra('dockerd', compare);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchDockerTcpStats();
}
