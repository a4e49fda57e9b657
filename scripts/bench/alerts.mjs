// Alerts (part `alerts`), in one run: the cost of an evaluation round over 1,000 agent hosts x 50
// containers with 20 rules (the evaluator's own figures, ARCHNEST_LOG_LEVEL=debug), while its
// alerts go to a webhook that is down (so the sender retries meanwhile); then the same steady
// reports against that API and against one with alerts off (ARCHNEST_ALERTS_INTERVAL_MS=0), in
// alternating rounds so drift of the machine falls on both alike.
// Target: ingest rate with alerts on / off >= 0.95.
import { adminToken, apiCall, cpuMs, freePort, measure, startApi } from './harness.mjs';
import { benchContainers, postFullReports, reportParts, stamped } from './agent-ingest.mjs';

const TOKEN = 'bench-agent-token-0123456789';
const INTERVAL_MS = 2_000;
const ROUNDS_SHOWN = 5;
const LOAD_ROUNDS = 3;
const REPORTS = 10_000;
const IDLE_MS = 20_000;
const TARGET = 0.95;

/** 20 rules over every kind, some scoped, some matching every container (so alerts fire). */
function benchRules(channelIds) {
  const rules = [];
  const kinds = [
    ['container-stopped', {}],
    ['container-unhealthy', {}],
    ['restart-loop', { threshold: 3, forSeconds: 300 }],
    ['host-offline', { forSeconds: 60 }],
    ['cpu-above', { threshold: 90, forSeconds: 60 }],
    ['memory-above', { threshold: 95, forSeconds: 60 }],
  ];
  for (let i = 0; rules.length < 20; i++) {
    const [kind, fields] = kinds[i % kinds.length];
    const scope =
      i % 3 === 0 ? { container: `*${i % 10}*` } : i % 3 === 1 ? { source: 'agent' } : undefined;
    rules.push({
      name: `bench ${kind} ${i}`,
      kind,
      channelIds,
      ...fields,
      ...(scope ? { scope } : {}),
    });
  }
  // One that fires for the 50 containers of one host: alerts for the sender to retry meanwhile.
  rules[19] = {
    name: 'bench cpu-above 0',
    kind: 'cpu-above',
    channelIds,
    threshold: 0,
    forSeconds: 4,
    scope: { hostId: 'bench-host-7' },
  };
  return rules;
}

function steadyLoad(url, parts) {
  let next = 0;
  return {
    url,
    amount: REPORTS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({
          ...request,
          body: stamped(parts[next++ % parts.length].steady),
        }),
      },
    ],
  };
}

const roundLines = (output) =>
  output
    .split('\n')
    .filter((line) => line.includes('Alert round:'))
    // eslint-disable-next-line no-control-regex -- Nest colours its log lines
    .map((line) => line.replace(/\x1b\[[0-9;]*m/g, ''))
    .map((line) => line.slice(line.indexOf('Alert round:') + 'Alert round:'.length).trim());

async function waitForRounds(api, count) {
  for (let i = 0; i < 600 && roundLines(api.output()).length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return roundLines(api.output());
}

export async function benchAlerts() {
  const parts = reportParts(benchContainers());
  console.log(
    `Alerts: ${parts.length} agent hosts x 50 containers, 20 rules, evaluated every ${INTERVAL_MS} ms, ` +
      `a webhook that is down; then ${LOAD_ROUNDS} alternating rounds of ${REPORTS} steady reports`,
  );
  const common = { ARCHNEST_AGENT_TOKEN: TOKEN, ARCHNEST_LOG_LEVEL: 'debug' };
  const on = await startApi(
    { ...common, ARCHNEST_ALERTS_INTERVAL_MS: String(INTERVAL_MS) },
    { capture: true },
  );
  const off = await startApi({ ...common, ARCHNEST_ALERTS_INTERVAL_MS: '0' });
  try {
    const admin = await adminToken(on.url);
    const downPort = await freePort(); // nothing listens there
    const channel = await apiCall(on.url, admin, 'POST', '/api/alerts/channels', {
      name: 'down',
      type: 'webhook',
      url: `http://127.0.0.1:${downPort}/hook`,
    });
    for (const rule of benchRules([channel.id])) {
      await apiCall(on.url, admin, 'POST', '/api/alerts/rules', rule);
    }
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
    for (const api of [on, off]) {
      await postFullReports(`${api.url}/api/agents/docker/report`, headers, parts);
    }
    const before = roundLines(on.output()).length;
    const rounds = (await waitForRounds(on, before + ROUNDS_SHOWN)).slice(before);
    rounds.forEach((line, i) => console.log(`  evaluation round ${i + 1}: ${line}`));
    // The CPU an evaluation round costs: both processes idle, one of them evaluating.
    const idle = [cpuMs(on.pid).main, cpuMs(off.pid).main, roundLines(on.output()).length];
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idleRounds = roundLines(on.output()).length - idle[2];
    const perRound =
      (cpuMs(on.pid).main - idle[0] - (cpuMs(off.pid).main - idle[1])) / Math.max(1, idleRounds);
    console.log(
      `  main-thread CPU per evaluation round, idle: ${perRound.toFixed(0)} ms (${idleRounds} rounds)`,
    );
    const rates = { on: [], off: [] };
    for (let round = 1; round <= LOAD_ROUNDS; round++) {
      const offRun = await measure(
        `round ${round}: alerts off`,
        steadyLoad(`${off.url}/api/agents/docker/report`, parts),
      );
      const onRun = await measure(
        `round ${round}: alerts on`,
        steadyLoad(`${on.url}/api/agents/docker/report`, parts),
      );
      rates.off.push(offRun.rate);
      rates.on.push(onRun.rate);
    }
    const during = roundLines(on.output()).slice(before + ROUNDS_SHOWN);
    const events = await apiCall(
      on.url,
      admin,
      'GET',
      '/api/alerts/events?status=firing&pageSize=1',
    );
    const ms = during
      .map((line) => Number(/(\d+) ms$/.exec(line)?.[1] ?? NaN))
      .filter(Number.isFinite);
    const median = ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)];
    console.log(
      `  ${during.length} evaluation rounds ran during the load (median ${median} ms); ${events.firing} alerts firing`,
    );
    const sum = (values) => values.reduce((a, b) => a + b, 0);
    console.log(`  target: on/off >= ${TARGET}`);
    console.log(
      `alerts: ingest on/off ${(sum(rates.on) / sum(rates.off)).toFixed(2)}, evaluation median ${median} ms per round`,
    );
  } finally {
    await Promise.all([on.stop(), off.stop()]);
  }
}
