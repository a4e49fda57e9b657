// npm run bench: starts the built API on SQLite in a temp dir and measures it with autocannon.
// Prints figures only; targets are judged by people reading them, never by timed assertions.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_PASSWORD = 'bench-password-1';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function startApi(port, dataDir) {
  const child = spawn(process.execPath, [join(root, 'dist/apps/api/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ARCHNEST_DATA_DIR: dataDir,
      ARCHNEST_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) {
        return child;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error('API did not start');
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return (kb / 1024).toFixed(1);
}

async function measure(title, options) {
  const result = await autocannon({ connections: 32, duration: 5, ...options });
  const errors = result.non2xx + result.errors;
  console.log(
    `${title.padEnd(40)} ${String(Math.round(result.requests.average)).padStart(7)} req/s` +
      `  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  errors ${errors}`,
  );
}

const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'archnest-bench-'));
const api = await startApi(port, dataDir);
try {
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { accessToken } = await login.json();
  const auth = { authorization: `Bearer ${accessToken}` };
  console.log(`ArchNest API benchmark (SQLite, concurrency 32, 5 s each, Node ${process.version})`);
  await measure('GET /api/health (public, DB ping)', { url: `${base}/api/health` });
  await measure('GET /api/auth/me (JWT + user lookup)', {
    url: `${base}/api/auth/me`,
    headers: auth,
  });
  await measure('GET /api/audit (JWT, admin, paged)', { url: `${base}/api/audit`, headers: auth });
  console.log(`API RSS after load: ${rssMb(api.pid)} MB`);
} finally {
  api.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
