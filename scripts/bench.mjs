// npm run bench: every benchmark, one after the other, each printing its figures.
// Needs a build (npm run build). Figures only: targets are read, never asserted in tests.
// `npm run bench -- metrics ingest` runs only the parts named (names and aliases below).
import { benchIngest } from './bench/agent-ingest.mjs';
import { benchApi } from './bench/api.mjs';

const PARTS = {
  api: benchApi,
  ingest: benchIngest,
  'docker-tcp-stats': async () =>
    (await import('./bench/docker-tcp-stats.mjs')).benchDockerTcpStats(),
  'docker-ssh-list': async () => (await import('./bench/docker-ssh-list.mjs')).benchDockerSshList(),
  metrics: async () => (await import('./bench/metrics.mjs')).benchMetrics(),
  tokens: async () => (await import('./bench/agent-tokens.mjs')).benchTokens(),
  alerts: async () => (await import('./bench/alerts.mjs')).benchAlerts(),
  logs: async () => (await import('./bench/logs.mjs')).benchLogs(),
};

/** Former names of parts, still accepted. */
const ALIASES = { 'agent-ingest': 'ingest' };

const asked = process.argv
  .slice(2)
  .map((name) => (Object.hasOwn(ALIASES, name) ? ALIASES[name] : name));
const unknown = asked.filter((name) => !Object.hasOwn(PARTS, name));
if (unknown.length > 0) {
  const names = [...Object.keys(PARTS), ...Object.keys(ALIASES)];
  console.error(`Unknown benchmark ${unknown.join(', ')}; one of ${names.join(', ')}`);
  process.exit(2);
}
const selected = asked.length > 0 ? [...new Set(asked)] : Object.keys(PARTS);

console.log(
  `ArchNest Containers benchmarks, Node ${process.version}, ${new Date().toISOString()}\n`,
);
for (const [index, name] of selected.entries()) {
  if (index > 0) {
    console.log('');
  }
  await PARTS[name]();
}
