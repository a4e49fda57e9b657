/** A WebSocket client of the live-logs protocol (libs/contracts logs.ts) for integration tests. */
import type { LogFollowLine, LogFollowServerMessage, LogFollowTarget } from '@archnest/contracts';
import WebSocket from 'ws';
import { loadInfra } from '../harness/infra';
import { run } from '../harness/proc';

export interface Closed {
  code: number;
  reason: string;
}

export const FOLLOW_PATH = '/api/containers/logs/follow';

export class LogsClient {
  readonly messages: LogFollowServerMessage[] = [];
  readonly closed: Promise<Closed>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString('utf8')) as LogFollowServerMessage);
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
    );
  }

  static connect(baseUrl: string): Promise<LogsClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${FOLLOW_PATH}`);
    const client = new LogsClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** Connects and sends a start for one container (or `containers` in `extra`). */
  static async follow(
    baseUrl: string,
    token: string,
    target: Partial<LogFollowTarget>,
    extra: Record<string, unknown> = {},
  ): Promise<LogsClient> {
    const client = await LogsClient.connect(baseUrl);
    client.send({ type: 'start', token, ...target, ...extra });
    return client;
  }

  send(message: Record<string, unknown> | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  lines(): LogFollowLine[] {
    return this.messages.flatMap((m) => (m.type === 'lines' ? m.lines : []));
  }

  texts(): string[] {
    return this.lines().map((line) => line.text);
  }

  of<T extends LogFollowServerMessage['type']>(
    type: T,
  ): Extract<LogFollowServerMessage, { type: T }>[] {
    return this.messages.filter(
      (m): m is Extract<LogFollowServerMessage, { type: T }> => m.type === type,
    );
  }

  /** Resolves once `check` holds for what arrived so far. */
  async until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        const seen = JSON.stringify(this.messages.slice(-5)).slice(0, 2000);
        throw new Error(`timed out waiting for ${what}; last frames ${seen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): Promise<Closed> {
    this.socket.close();
    return this.closed;
  }
}

/** `docker logs --follow` CLI processes of the SSH test user for `container`. */
export async function remoteFollows(container: string): Promise<string[]> {
  const ps = await run('ps', ['-u', loadInfra().ssh.user, '-o', 'pid=,args=']).catch(() => '');
  return ps
    .split('\n')
    .filter((line) => /^\s*\d+ \S*docker .*logs --follow/.test(line) && line.includes(container));
}
