// Docker over SSH: the container list through the API on its pooled SSH connection, next to
// `docker -H ssh://… ps -a` (a new SSH connection and two docker CLI starts per call) against the
// same sshd and the same engine, in the same run. Target: API latency <= 0.25x the CLI's.
//
// Needs what the integration tests need (root, dockerd, sshd, busybox-static): it starts the
// test harness (apps/api/test/harness) for the run and tears it down after. Without root, or
// while an integration run owns the harness, it prints why and skips.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { adminToken, apiCall, measure, startApi, withTestInfra } from './harness.mjs';

const run = promisify(execFile);
const SAMPLES = 30;
const CONTAINERS = 20;

/** A pinned key-auth target for the harness's target sshd, reaching the private engine. */
async function addTarget(base, token, infra) {
  const target = await apiCall(base, token, 'POST', '/api/docker-ssh/targets', {
    name: 'bench-target',
    host: infra.ssh.target.host,
    port: infra.ssh.target.port,
    username: infra.ssh.user,
    privateKey: readFileSync(infra.ssh.clientKey, 'utf8'),
    dockerHost: infra.docker.dockerHost,
  });
  const keys = `/api/docker-ssh/targets/${target.id}/host-key`;
  const { fingerprint } = await apiCall(base, token, 'POST', `${keys}/scan`);
  await apiCall(base, token, 'POST', `${keys}/accept`, { fingerprint });
  return target;
}

/**
 * The stock docker CLI over SSH: OpenSSH with the same key and a pinned known_hosts entry, and a
 * docker context on the remote side so `docker system dial-stdio` reaches the private engine.
 */
async function sshCli(infra) {
  const { ssh, docker } = infra;
  const dir = mkdtempSync(join(tmpdir(), 'archnest-bench-ssh-'));
  const hostKey = readFileSync(`${ssh.target.hostKey}.pub`, 'utf8').split(' ').slice(0, 2);
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${ssh.target.port} ${hostKey.join(' ')}\n`);
  const config = [
    'Host *',
    `  IdentityFile ${ssh.clientKey}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
    '  StrictHostKeyChecking yes',
    '  BatchMode yes',
  ];
  writeFileSync(join(dir, 'config'), `${config.join('\n')}\n`);
  writeFileSync(join(dir, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F '${dir}/config' "$@"\n`);
  chmodSync(join(dir, 'ssh'), 0o755);
  const asUser = ['-u', ssh.user, '--', 'env', `HOME=${ssh.homeDir}`, 'docker', 'context'];
  await run('runuser', [...asUser, 'create', 'bench', '--docker', `host=${docker.dockerHost}`]);
  await run('runuser', [...asUser, 'use', 'bench']);
  const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
  env.DOCKER_CONFIG = docker.cliConfigDir;
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  const host = `ssh://${ssh.user}@127.0.0.1:${ssh.target.port}`;
  return {
    list: () => run('docker', ['-H', host, 'ps', '-a'], { env }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function sample(work) {
  const times = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(SAMPLES / 2)], p95: times[Math.floor(SAMPLES * 0.95)] };
}

function line(title, { p50, p95 }) {
  console.log(
    `  ${title.padEnd(46)} p50 ${p50.toFixed(1).padStart(6)} ms  p95 ${p95.toFixed(1).padStart(6)} ms`,
  );
}

async function compare(infra, harness) {
  const names = Array.from({ length: CONTAINERS }, (_, i) => `bench-${i}`);
  for (const name of names) {
    await harness.runDocker(['run', '-d', '--name', name, infra.docker.image, 'sleep', '3600']);
  }
  const apiServer = await startApi();
  const cli = await sshCli(infra);
  try {
    const token = await adminToken(apiServer.url);
    const target = await addTarget(apiServer.url, token, infra);
    const path = `/api/docker-ssh/targets/${target.id}/containers`;
    const list = () => apiCall(apiServer.url, token, 'GET', path);
    const listed = await list(); // opens the pooled connection
    await cli.list();
    console.log(`  ${listed.length} containers, ${SAMPLES} sequential calls each`);
    const viaApi = await sample(list);
    const viaCli = await sample(cli.list);
    line('GET …/containers (API, pooled SSH)', viaApi);
    line('docker -H ssh://… ps -a (new SSH each call)', viaCli);
    const ratio = viaApi.p50 / viaCli.p50;
    console.log(`  ratio API / CLI (p50): ${ratio.toFixed(2)}x  (target <= 0.25x)`);
    await measure('GET …/containers, concurrency 8', {
      url: `${apiServer.url}${path}`,
      headers: { authorization: `Bearer ${token}` },
      connections: 8,
    });
  } finally {
    cli.cleanup();
    await apiServer.stop();
  }
}

export async function benchDockerSshList() {
  console.log(
    'Docker over SSH: container list, API (pooled) vs docker -H ssh:// (same sshd, engine)',
  );
  await withTestInfra('dockerd and sshd', compare);
}
