// Shared pieces of the benchmarks: start the built API or another server, measure with autocannon.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
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
export async function startServer(script, env = {}, probePath = '/', { capture = false } = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', capture ? 'pipe' : 'ignore', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}${probePath}`, child);
  return {
    url,
    pid: child.pid,
    /** What it printed so far (with `capture`). */
    output: () => output,
    stop: () =>
      new Promise((done) => {
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

/** The built API on SQLite in a fresh temp dir, with an admin and extra env. */
export async function startApi(env = {}, options = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'archnest-bench-'));
  const server = await startServer(
    join(root, 'dist/apps/api/main.js'),
    { ARCHNEST_DATA_DIR: dataDir, ARCHNEST_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env },
    '/api/health',
    options,
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

/** Linux reports a process's CPU time in /proc in ticks of 1/100 s (USER_HZ). */
const MS_PER_TICK = 10;

/** CPU time a process has used so far, in ms: all its threads, and its main (JavaScript) thread. */
export function cpuMs(pid) {
  const ticks = (path) => {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' '); // after "pid (comm) "
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  };
  return {
    all: ticks(`/proc/${pid}/stat`) * MS_PER_TICK,
    main: ticks(`/proc/${pid}/task/${pid}/stat`) * MS_PER_TICK,
  };
}

/**
 * Runs autocannon and prints one line; returns the result, with `responses` (how many arrived)
 * and `rate`: responses per second from the start to the last one (autocannon's own figures
 * count whole seconds, and it notices that `amount` is reached only at its next one-second tick).
 */
export async function measure(title, options) {
  const run = autocannon({ connections: 32, duration: 5, ...options });
  let startedAt = performance.now();
  let lastAt = startedAt;
  let responses = 0;
  run.on('start', () => (startedAt = performance.now()));
  run.on('response', () => {
    responses += 1;
    lastAt = performance.now();
  });
  const result = await run;
  result.responses = responses;
  result.rate = responses / ((lastAt - startedAt) / 1000);
  const errors = result.non2xx + result.errors + result.timeouts;
  console.log(
    `  ${title.padEnd(46)} ${String(Math.round(result.rate)).padStart(6)} req/s` +
      `  p50 ${String(result.latency.p50).padStart(3)} ms  p99 ${String(result.latency.p99).padStart(4)} ms` +
      `  non-2xx/errors ${errors}`,
  );
  return result;
}

/** A JSON call to the API as a user; throws with the answer on any non-2xx. */
export async function apiCall(base, token, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response.json();
}

/** The integration tests' harness (apps/api/test/harness), loaded from TypeScript. */
function loadTestHarness() {
  const require = createRequire(import.meta.url);
  require('ts-node').register({
    transpileOnly: true,
    project: join(root, 'apps/api/test/harness/tsconfig.jest.json'),
  });
  const harness = (file) => require(join(root, 'apps/api/test/harness', file));
  return {
    globalSetup: harness('global-setup.ts').default,
    teardownInfra: harness('global-teardown.ts').teardownInfra,
    loadInfra: harness('infra.ts').loadInfra,
    runDocker: harness('docker-engine.ts').runDocker,
  };
}

/**
 * Runs `work(infra, harness)` on the test harness's private dockerd, sshd and PostgreSQL, and
 * tears them down after. Without root, or when the harness cannot start, prints why and skips.
 */
export async function withTestInfra(needs, work) {
  if (process.getuid?.() !== 0) {
    console.log(`  skipped: needs root to start the test ${needs} (see docs/testing.md)`);
    return;
  }
  const harness = loadTestHarness();
  try {
    await harness.globalSetup();
  } catch (error) {
    console.log(`  skipped: the test harness did not start: ${error.message.split('\n')[0]}`);
    return;
  }
  const infra = harness.loadInfra();
  try {
    await work(infra, harness);
  } finally {
    await harness.teardownInfra(infra.tmpDir);
  }
}
