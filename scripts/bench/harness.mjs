// Shared pieces of the benchmarks: start the built API or another server, measure with autocannon.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const ADMIN_PASSWORD = 'bench-password-1';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitUntilUp(url, child) {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) {
      throw new Error(`${url} exited with ${child.exitCode}`);
    }
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGTERM');
  throw new Error(`${url} did not start`);
}

/** Starts a node script as a server on a free loopback port; stop() ends it by its PID. */
export async function startServer(script, env = {}, probePath = '/') {
  const port = await freePort();
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}${probePath}`, child);
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((done) => {
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

/** The built API on SQLite in a fresh temp dir, with an admin and extra env. */
export async function startApi(env = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'archnest-bench-'));
  const server = await startServer(
    join(root, 'dist/apps/api/main.js'),
    { ARCHNEST_DATA_DIR: dataDir, ARCHNEST_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env },
    '/api/health',
  );
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function adminToken(base) {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  return (await login.json()).accessToken;
}

export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Runs autocannon and prints one line; returns the result for ratios. */
export async function measure(title, options) {
  const result = await autocannon({ connections: 32, duration: 5, ...options });
  const errors = result.non2xx + result.errors + result.timeouts;
  console.log(
    `  ${title.padEnd(46)} ${String(Math.round(result.requests.average)).padStart(6)} req/s` +
      `  p50 ${String(result.latency.p50).padStart(3)} ms  p99 ${String(result.latency.p99).padStart(4)} ms` +
      `  non-2xx/errors ${errors}`,
  );
  return result;
}
