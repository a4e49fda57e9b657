// npm run bench: every benchmark, one after the other, each printing its figures.
// Needs a build (npm run build). Figures only: targets are read, never asserted in tests.
// `npm run bench -- metrics agent-ingest` runs only the parts named (names below).
import { benchAgentIngest } from './bench/agent-ingest.mjs';
import { benchApi } from './bench/api.mjs';

const PARTS = {
  api: benchApi,
  'agent-ingest': benchAgentIngest,
  'docker-tcp-stats': async () =>
    (await import('./bench/docker-tcp-stats.mjs')).benchDockerTcpStats(),
  'docker-ssh-list': async () => (await import('./bench/docker-ssh-list.mjs')).benchDockerSshList(),
  metrics: async () => (await import('./bench/metrics.mjs')).benchMetrics(),
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in PARTS));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; one of ${Object.keys(PARTS).join(', ')}`);
  process.exit(2);
}
const selected = asked.length > 0 ? asked : Object.keys(PARTS);

console.log(
  `ArchNest Containers benchmarks, Node ${process.version}, ${new Date().toISOString()}\n`,
);
for (const [index, name] of selected.entries()) {
  if (index > 0) {
    console.log('');
  }
  await PARTS[name]();
}
