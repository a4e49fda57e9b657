/** A WebSocket client of the exec protocol (libs/contracts exec.ts) for integration tests. */
import type { ExecClientMessage, ExecServerMessage } from '@archnest/contracts';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { TestApp } from './test-app';

export interface Closed {
  code: number;
  reason: string;
}

/** Makes the test app listen on a free loopback port (exec needs a real socket). */
export async function listen(testApp: TestApp): Promise<string> {
  await testApp.app.listen(0, '127.0.0.1');
  const { port } = testApp.app.getHttpServer().address() as AddressInfo;
  return `ws://127.0.0.1:${port}`;
}

export class ExecClient {
  readonly messages: ExecServerMessage[] = [];
  readonly closed: Promise<Closed>;
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString('utf8')) as ExecServerMessage);
      this.waiters.forEach((wake) => wake());
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
        this.waiters.forEach((wake) => wake());
      }),
    );
  }

  static connect(baseUrl: string, path = '/api/docker/exec'): Promise<ExecClient> {
    const socket = new WebSocket(`${baseUrl}${path}`);
    const client = new ExecClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  send(message: ExecClientMessage | Record<string, unknown> | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** All output so far, as one string. */
  output(): string {
    return this.messages.map((m) => (m.type === 'output' ? m.data : '')).join('');
  }

  /** Resolves once `check` holds for the messages received so far. */
  async until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages)}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
      this.waiters = [];
    }
  }

  untilOutput(pattern: RegExp, timeoutMs?: number): Promise<void> {
    return this.until(`output ${String(pattern)}`, () => pattern.test(this.output()), timeoutMs);
  }

  find<T extends ExecServerMessage['type']>(
    type: T,
  ): Extract<ExecServerMessage, { type: T }> | undefined {
    return this.messages.find((m): m is Extract<ExecServerMessage, { type: T }> => m.type === type);
  }

  close(): void {
    this.socket.close(1000);
  }
}
