import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

const run = promisify(execFile);

/**
 * A private network namespace joined to this one by a veth pair on a /30 of 10.213.0.0/16: the
 * host side is `hostAddress`, the namespace side (where `exec` runs) is `nsAddress`. Needs root.
 */
export interface Netns {
  name: string;
  hostAddress: string;
  nsAddress: string;
  /** argv that runs a command inside the namespace. */
  exec(argv: string[]): string[];
  remove(): Promise<void>;
}

export async function createNetns(): Promise<Netns> {
  const id = `${process.pid % 10_000}${randomInt(100)}`;
  const name = `archnest-t${id}`;
  const [hostIf, nsIf] = [`anh${id}`, `ann${id}`];
  const block = randomInt(16_384) * 4;
  const octets = `10.213.${block >> 8}`;
  const [hostAddress, nsAddress] = [
    `${octets}.${(block & 255) + 1}`,
    `${octets}.${(block & 255) + 2}`,
  ];
  const ip = (...args: string[]) => run('ip', args);
  const inNs = (...args: string[]) => run('ip', ['netns', 'exec', name, 'ip', ...args]);
  await ip('netns', 'add', name);
  try {
    await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    await ip('link', 'set', nsIf, 'netns', name);
    await ip('addr', 'add', `${hostAddress}/30`, 'dev', hostIf);
    await ip('link', 'set', hostIf, 'up');
    await inNs('addr', 'add', `${nsAddress}/30`, 'dev', nsIf);
    await inNs('link', 'set', nsIf, 'up');
    await inNs('link', 'set', 'lo', 'up');
  } catch (error) {
    await ip('netns', 'del', name).catch(() => undefined);
    await ip('link', 'del', hostIf).catch(() => undefined);
    throw error;
  }
  return {
    name,
    hostAddress,
    nsAddress,
    exec: (argv) => ['ip', 'netns', 'exec', name, ...argv],
    async remove() {
      // Deleting the namespace destroys its end of the pair, and with it the host end.
      await ip('netns', 'del', name);
      await ip('link', 'del', hostIf).catch(() => undefined);
    },
  };
}

/**
 * Makes the app's HTTP server also take connections on `host` (beside its own listener), so one
 * app answers on loopback and on a namespace's veth address with real client addresses.
 */
export async function listenAlso(
  app: NestFastifyApplication,
  host: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const http = app.getHttpAdapter().getInstance().server;
  const server: Server = createServer((socket) => http.emit('connection', socket));
  await new Promise<void>((ready) => server.listen(0, host, ready));
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
