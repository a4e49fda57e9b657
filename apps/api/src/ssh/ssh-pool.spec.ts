import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { ClientChannel } from 'ssh2';
import { AppError } from '../common/errors/app-error';
import { ConnectionLostError, type SshConnection } from './ssh-connection';
import type { SshConnector } from './ssh-connector';
import type { SshHop } from './ssh-hop';
import { SshPool, type PoolOptions, type PoolTarget } from './ssh-pool';

class FakeChannel extends EventEmitter {
  close(): void {
    this.emit('close');
  }
}

/** A local `sh -c <command>` dressed as an exec channel, for command shells. */
function localChannel(command: string): ClientChannel {
  const child = spawn('sh', ['-c', command], { stdio: 'pipe' });
  const channel = Object.assign(new EventEmitter(), {
    stderr: child.stderr,
    write: (data: string) => child.stdin.write(data),
    close: () => child.kill('SIGKILL'),
  });
  child.stdout.on('data', (chunk: Buffer) => channel.emit('data', chunk));
  child.on('exit', () => channel.emit('close'));
  return channel as unknown as ClientChannel;
}

/** Like SshConnection: `dead` is a socket gone unnoticed; close() always notifies once. */
class FakeConnection {
  isOpen = true;
  dead = false;
  opened = 0;
  failNext: Error | null = null;
  private readonly listeners: Array<() => void> = [];
  readonly endpoint = { name: 't', host: 'h', port: 22 };

  readonly channels: ClientChannel[] = [];

  openExec(command: string): Promise<ClientChannel> {
    if (!this.isOpen || this.dead || this.failNext) {
      const error = this.failNext ?? new ConnectionLostError();
      this.failNext = null;
      return Promise.reject(error);
    }
    this.opened += 1;
    const channel =
      command === 'exec sh'
        ? localChannel(command)
        : (new FakeChannel() as unknown as ClientChannel);
    this.channels.push(channel);
    return Promise.resolve(channel);
  }

  onClose(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => undefined;
  }

  end(): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  close(): void {
    if (this.isOpen) {
      this.isOpen = false;
      this.channels.forEach((channel) => channel.close());
      this.listeners.forEach((listener) => listener());
    }
  }
}

function hop(id: string): SshHop {
  return {
    id,
    name: id,
    host: '127.0.0.1',
    port: 22,
    credentials: { username: 'u' },
    fingerprint: 'x',
  };
}

function setup(options: Partial<PoolOptions> = {}) {
  const connections: FakeConnection[] = [];
  const connector = {
    connect: jest.fn(() => {
      const conn = new FakeConnection();
      connections.push(conn);
      return new Promise<SshConnection>((resolve) =>
        setTimeout(() => resolve(conn as unknown as SshConnection), 5),
      );
    }),
  };
  const pool = new SshPool(connector as unknown as SshConnector, {
    idleMs: 60_000,
    maxCommandChannels: 2,
    maxShellChannels: 3,
    maxStreamChannels: 2,
    channelTimeoutMs: 200,
    ...options,
  });
  const target = (id: string, chain: string[] = [id]): PoolTarget => ({
    id,
    name: id,
    host: '127.0.0.1',
    port: 22,
    loadChain: () => Promise.resolve(chain.map(hop)),
  });
  return { pool, connector, connections, target };
}

describe('SshPool', () => {
  afterEach(() => jest.useRealTimers());

  it('shares one connection between concurrent requests', async () => {
    const { pool, connector, connections, target } = setup();
    const t = target('a');
    const channels = await Promise.all([1, 2, 3].map(() => pool.openExec(t, 'true')));
    channels.forEach((channel) => channel.close());
    await pool.openExec(t, 'true');
    expect(connector.connect).toHaveBeenCalledTimes(1);
    expect(connections[0]?.opened).toBe(4);
  });

  it('refuses a shell beyond the shell limit, and frees the slot when one closes', async () => {
    const { pool, target } = setup({ maxShellChannels: 1 });
    const t = target('a');
    const pty = { pty: { cols: 80, rows: 24 } };
    const first = await pool.openExec(t, 'sh', pty);
    await expect(pool.openExec(t, 'sh', pty)).rejects.toThrow(/1 exec sessions are already open/);
    first.close();
    await expect(pool.openExec(t, 'sh', pty)).resolves.toBeDefined();
  });

  it('opens log streams on a second connection with a limit of their own', async () => {
    const { pool, connector, target } = setup({ maxShellChannels: 1, maxStreamChannels: 2 });
    const t = target('a');
    const shell = await pool.openExec(t, 'sh', { pty: { cols: 80, rows: 24 } });
    const streams = [await pool.openStream(t, 'logs 1'), await pool.openStream(t, 'logs 2')];
    await expect(pool.openStream(t, 'logs 3')).rejects.toThrow(/2 log follows are already open/);
    expect(connector.connect).toHaveBeenCalledTimes(2);
    streams[0].close();
    await expect(pool.openStream(t, 'logs 3')).resolves.toBeDefined();
    shell.close();
  });

  it('replaces a connection that closed', async () => {
    const { pool, connector, connections, target } = setup();
    const t = target('a');
    (await pool.openExec(t, 'true')).close();
    connections[0]?.close();
    await pool.openExec(t, 'true');
    expect(connector.connect).toHaveBeenCalledTimes(2);
  });

  it('reconnects once when the pooled connection turns out dead, and only once', async () => {
    const { pool, connector, connections, target } = setup();
    const t = target('a');
    (await pool.openExec(t, 'true')).close();
    connections[0].dead = true; // died without a close event
    await expect(pool.openExec(t, 'true')).resolves.toBeDefined();
    expect(connector.connect).toHaveBeenCalledTimes(2);

    connector.connect.mockImplementation(() => {
      const dead = new FakeConnection();
      dead.dead = true;
      return Promise.resolve(dead as unknown as SshConnection);
    });
    connections[1].dead = true;
    await expect(pool.openExec(t, 'true')).rejects.toThrow(/connection to target 'a'.* was lost/);
    expect(connector.connect).toHaveBeenCalledTimes(3);
  });

  it('does not retry other channel failures', async () => {
    const { pool, connector, connections, target } = setup();
    const t = target('a');
    (await pool.openExec(t, 'true')).close();
    connections[0].failNext = new Error('open failed');
    await expect(pool.openExec(t, 'true')).rejects.toBeInstanceOf(AppError);
    expect(connector.connect).toHaveBeenCalledTimes(1);
  });

  it('closes the connections of every target whose chain includes an invalidated hop', async () => {
    const { pool, connections, target } = setup();
    await pool.openExec(target('jump'), 'true');
    await pool.openExec(target('inner', ['jump', 'inner']), 'true');
    await pool.openExec(target('other'), 'true');
    pool.invalidate('jump');
    await new Promise((r) => setImmediate(r));
    expect(connections.map((c) => c.isOpen)).toEqual([false, false, true]);
  });

  it('closes a connection left idle', async () => {
    const { pool, connections, target } = setup({ idleMs: 30 });
    const t = target('a');
    const channel = await pool.openExec(t, 'true');
    await new Promise((r) => setTimeout(r, 60));
    expect(connections[0]?.isOpen).toBe(true); // a channel is open: not idle
    channel.close();
    await new Promise((r) => setTimeout(r, 60));
    expect(connections[0]?.isOpen).toBe(false);
  });

  describe('commands', () => {
    const limits = { timeoutMs: 5_000, maxOutputBytes: 1024 };
    const pools: SshPool[] = [];
    afterEach(() => Promise.all(pools.splice(0).map((pool) => pool.onApplicationShutdown())));

    it('runs commands on one long-lived shell instead of a session each', async () => {
      const { pool, connections, target } = setup({ channelTimeoutMs: 5_000 });
      pools.push(pool);
      const t = target('a');
      for (const word of ['one', 'two', 'three']) {
        await expect(pool.run(t, ['echo', word], limits)).resolves.toMatchObject({
          stdout: `${word}\n`,
          exitCode: 0,
        });
      }
      expect(connections[0]?.opened).toBe(1);
    });

    it('opens a shell per concurrent command up to the limit, then reuses them', async () => {
      const { pool, connections, target } = setup({
        maxCommandChannels: 2,
        channelTimeoutMs: 5_000,
      });
      pools.push(pool);
      const t = target('a');
      const results = await Promise.all(
        [1, 2, 3, 4].map((i) => pool.run(t, ['sh', '-c', `sleep 0.1; echo ${i}`], limits)),
      );
      expect(results.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n', '4\n']);
      expect(connections[0]?.opened).toBe(2);
    });

    it('queues commands beyond the limit for a bounded time', async () => {
      const { pool, connections, target } = setup({
        maxCommandChannels: 1,
        channelTimeoutMs: 1_000,
      });
      pools.push(pool);
      const t = target('a');
      const slow = pool.run(t, ['sleep', '0.3'], limits);
      await expect(pool.run(t, ['echo', 'queued'], limits)).resolves.toMatchObject({
        stdout: 'queued\n',
      });
      await slow;
      const blocking = pool.run(t, ['sleep', '2'], limits);
      await expect(pool.run(t, ['true'], limits)).rejects.toThrow(/busy: no free SSH channel/);
      await blocking;
      expect(connections[0]?.opened).toBe(1);
    });

    it('replaces a shell that died, and all of them with the connection', async () => {
      const { pool, connections, target } = setup({ channelTimeoutMs: 5_000 });
      pools.push(pool);
      const t = target('a');
      await pool.run(t, ['true'], limits);
      connections[0]?.channels[0]?.close();
      await new Promise((r) => setTimeout(r, 50));
      await expect(pool.run(t, ['echo', 'ok'], limits)).resolves.toMatchObject({ stdout: 'ok\n' });
      expect(connections[0]?.opened).toBe(2);
      connections[0]?.close();
      await expect(pool.run(t, ['echo', 'ok'], limits)).resolves.toMatchObject({ exitCode: 0 });
      expect(connections).toHaveLength(2);
    });
  });
});
