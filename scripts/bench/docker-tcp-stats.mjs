// Docker Engine API (docker-tcp): stats of 20 running containers through the API, all 20
// requested at once as the console does for a table, next to `docker stats --no-stream` for the
// same 20 on the same engine, in the same run. Target: API wall time <= 0.5x the CLI's.
// Reported twice: a first (cold) request takes two samples per container; a repeated one
// (polling) computes CPU % against the API's previous sample (docs/docker-tcp.md, "Stats").
//
// Needs what the integration tests need (root, dockerd, busybox-static): it starts the test
// harness (apps/api/test/harness) for the run and tears it down after. Without root, or while an
// integration run owns the harness, it prints why and skips.
import { adminToken, apiCall, startApi, withTestInfra } from './harness.mjs';

const CONTAINERS = 20;
const ROUNDS = 5;

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
    const stats = (name) =>
      apiCall(apiServer.url, token, 'GET', `/api/docker/hosts/${host.id}/containers/${name}/stats`);
    const viaApi = () => Promise.all(names.map(stats));
    const viaCli = () => harness.runDocker(['stats', '--no-stream', ...names]);
    const check = (result) => {
      if (result.some((s) => typeof s.cpuPercent !== 'number' || !(s.memUsage > 0))) {
        throw new Error(`incomplete stats from the API: ${JSON.stringify(result[0])}`);
      }
    };
    // Cold: no earlier sample of these containers, so each request takes two samples.
    const cold = await wallMs(viaApi);
    check(cold.result);
    await viaCli();
    // Warm, as a console polling every few seconds: the API's previous sample is 1-10 s old.
    const apiTimes = [];
    const cliTimes = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { ms, result } = await wallMs(viaApi);
      check(result);
      apiTimes.push(ms);
      cliTimes.push((await wallMs(viaCli)).ms);
    }
    const [apiMs, cliMs] = [median(apiTimes), median(cliTimes)];
    const row = (title, ms) => console.log(`  ${title.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms`);
    console.log(
      `  ${CONTAINERS} running containers; wall time for all 20, median of ${ROUNDS} rounds`,
    );
    row('docker stats --no-stream (the 20 names)', cliMs);
    row('API, 20 x GET …/stats at once, polling (warm)', apiMs);
    row('API, 20 x GET …/stats at once, first request (cold)', cold.ms);
    console.log(
      `  ratio API / CLI: ${(apiMs / cliMs).toFixed(2)}x polling, ${(cold.ms / cliMs).toFixed(2)}x cold` +
        '  (target <= 0.5x)',
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
