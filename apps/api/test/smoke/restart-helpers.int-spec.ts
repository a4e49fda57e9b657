/**
 * Smoke test of the harness helpers that later tests use to take infrastructure away mid-suite:
 * crash and restart dockerd, stop and start an sshd, restart PostgreSQL.
 */
import Docker from 'dockerode';
import { connect } from 'node:net';
import { Client } from 'pg';
import { pingDockerd, startDockerd, stopDockerd } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import { restartPostgres } from '../harness/postgres';
import { isAlive } from '../harness/proc';
import { startSshd, stopSshd } from '../harness/ssh-servers';

const infra = loadInfra();

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function startedAt(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: Date }>('select pg_postmaster_start_time() as t');
    return rows[0].t.toISOString();
  } finally {
    await client.end();
  }
}

describe('restart helpers', () => {
  it('crashes dockerd with SIGKILL and brings it back, containers live-restored', async () => {
    const docker = new Docker({ socketPath: infra.docker.socketPath });
    const container = await docker.createContainer({
      Image: infra.docker.image,
      Cmd: ['sleep', '1000'],
    });
    await container.start();
    const before = loadInfra().docker.pid;
    await stopDockerd({ signal: 'SIGKILL' });
    expect(isAlive(before)).toBe(false);
    expect(await pingDockerd()).toBe(false);
    const after = await startDockerd();
    expect(after).not.toBe(before);
    expect(loadInfra().docker.pid).toBe(after);
    expect((await container.inspect()).State.Running).toBe(true);
    await container.remove({ force: true });
  });

  it('stops and starts one sshd on the same port', async () => {
    const { port } = infra.ssh.target;
    await stopSshd('target');
    expect(await tcpOpen(port)).toBe(false);
    expect(await tcpOpen(infra.ssh.jump.port)).toBe(true);
    await startSshd('target');
    expect(await tcpOpen(port)).toBe(true);
  });

  it('restarts PostgreSQL on the same port', async () => {
    const first = await startedAt(infra.postgres.url);
    await restartPostgres();
    expect(await startedAt(infra.postgres.url)).not.toBe(first);
  });
});
