/**
 * Recording what the API sends and writes, for checks over all of it afterwards: every reply an
 * Http client saw, and every line the server logged.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Http, type Method, type Reply } from './http';

/** Http that keeps every reply it saw (status line, headers, body) in `seen`. */
export class RecordingHttp extends Http {
  constructor(
    private readonly target: NestFastifyApplication,
    private readonly seen: string[],
    token?: string,
  ) {
    super(target, token);
  }

  override as(token: string | undefined): RecordingHttp {
    return new RecordingHttp(this.target, this.seen, token);
  }

  override async send<T>(method: Method, url: string, payload?: unknown): Promise<Reply<T>> {
    const reply = await super.send<T>(method, url, payload);
    this.seen.push(
      `${method} ${url} → ${reply.status} ${JSON.stringify(reply.headers)}\n${reply.text}`,
    );
    return reply;
  }
}

/**
 * Captures into `logs` what the server writes (Nest's console logger) and what it sends to
 * console. Returns the function that restores both.
 */
export function captureOutput(logs: string[]): () => void {
  const writes = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    stream.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      logs.push(text);
      // The server's own lines are kept for the checks, not echoed into the test output.
      return text.includes('[Nest]') ? true : original(chunk, ...rest);
    };
    return () => {
      stream.write = original;
    };
  });
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logs.push(args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' '));
    }),
  );
  return () => {
    writes.forEach((restore) => restore());
    spies.forEach((spy) => spy.mockRestore());
  };
}
