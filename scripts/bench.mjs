// npm run bench: every benchmark, one after the other, each printing its figures.
// Needs a build (npm run build). Figures only: targets are read, never asserted in tests.
import { benchAgentIngest } from './bench/agent-ingest.mjs';
import { benchApi } from './bench/api.mjs';

console.log(
  `ArchNest Containers benchmarks, Node ${process.version}, ${new Date().toISOString()}\n`,
);
await benchApi();
console.log('');
await benchAgentIngest();
await (await import('./bench/docker-tcp-stats.mjs')).benchDockerTcpStats();
await (await import('./bench/docker-ssh-list.mjs')).benchDockerSshList();
