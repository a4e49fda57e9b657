// Per-host agent tokens (part `tokens`), in one run against one API process: the same steady
// reports (the cheapest ingest, so a token check weighs most) from 1,000 hosts at concurrency 32,
// sent with the shared ARCHNEST_AGENT_TOKEN and with each host's own token (POST
// /api/agents/tokens), in alternating rounds so drift of the machine falls on both alike.
// Target: per-host / shared rate >= 0.95.
import { adminToken, apiCall, measure, startApi } from './harness.mjs';
import { benchContainers, postFullReports, reportParts, stamped } from './agent-ingest.mjs';

const SHARED = 'bench-agent-token-0123456789';
const ROUNDS = 3;
/** Per round and kind; with the full reports, under the 120 a minute each host may send. */
const REPORTS = 10_000;
const TARGET = 0.95;

/** Steady reports going round the hosts, each with the token `tokenOf(host)`. */
function steadyLoad(url, parts, tokenOf) {
  let next = 0;
  return {
    url,
    amount: REPORTS,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const host = next++ % parts.length;
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${tokenOf(host)}`,
            },
            body: stamped(parts[host].steady),
          };
        },
      },
    ],
  };
}

export async function benchTokens() {
  const parts = reportParts(benchContainers());
  console.log(
    `Agent tokens: steady reports of ${parts.length} hosts, shared token vs per-host tokens, ` +
      `${ROUNDS} alternating rounds of ${REPORTS} each`,
  );
  const api = await startApi({ ARCHNEST_AGENT_TOKEN: SHARED });
  try {
    const admin = await adminToken(api.url);
    const tokens = [];
    for (let h = 0; h < parts.length; h++) {
      const issued = await apiCall(api.url, admin, 'POST', '/api/agents/tokens', {
        hostId: `bench-host-${h}`,
      });
      tokens.push(issued.token);
    }
    const url = `${api.url}/api/agents/docker/report`;
    const held = await postFullReports(
      url,
      (h) => ({ 'content-type': 'application/json', authorization: `Bearer ${tokens[h]}` }),
      parts,
    );
    if ((held.get(200) ?? 0) !== parts.length) {
      console.log(`  warning: full reports answered ${JSON.stringify([...held])}`);
    }
    const rates = { shared: [], perHost: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      const shared = await measure(
        `round ${round}: shared token`,
        steadyLoad(url, parts, () => SHARED),
      );
      const perHost = await measure(
        `round ${round}: per-host tokens`,
        steadyLoad(url, parts, (h) => tokens[h]),
      );
      rates.shared.push(shared.rate);
      rates.perHost.push(perHost.rate);
    }
    const sum = (values) => values.reduce((a, b) => a + b, 0);
    const ratio = sum(rates.perHost) / sum(rates.shared);
    console.log(`  target: per-host/shared >= ${TARGET}`);
    console.log(`tokens: per-host/shared ${ratio.toFixed(2)}`);
  } finally {
    await api.stop();
  }
}
