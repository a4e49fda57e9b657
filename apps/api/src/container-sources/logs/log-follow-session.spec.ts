import { LOG_FOLLOW_CLOSE, type LogFollowServerMessage } from '@archnest/contracts';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import type { FollowedLine, FollowEnd, LogFollow } from '../container-source';
import { SocketRefusal } from '../sockets/socket-auth';
import {
  HIGH_WATER_BYTES,
  LogFollowSession,
  MERGE_SETTLE_MS,
  QUEUE_LIMITS,
} from './log-follow-session';
import type { LineSink } from './log-follows';

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: LogFollowServerMessage[] = [];
  closedWith: number | null = null;

  send(text: string): void {
    this.sent.push(JSON.parse(text) as LogFollowServerMessage);
  }

  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
    this.emit('close');
  }
}

class FakeFollow implements LogFollow {
  stopped = false;
  private finish!: (end: FollowEnd) => void;
  readonly ended = new Promise<FollowEnd>((resolve) => (this.finish = resolve));

  stop(): void {
    this.stopped = true;
  }

  end(reason: string): void {
    this.finish({ kind: 'ended', reason });
  }

  fail(reason: string, cause?: unknown): void {
    this.finish({ kind: 'failed', reason, cause });
  }
}

const line = (n: number, stream: FollowedLine['stream'] = 'stdout'): FollowedLine => ({
  stream,
  timestamp: `2026-12-07T10:00:00.${String(n).padStart(9, '0')}Z`,
  text: `line ${n}`,
});

const flushPromises = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
};

function session(labels: string[], authenticate = jest.fn().mockResolvedValue({})) {
  const socket = new FakeSocket();
  const follows = labels.map(() => new FakeFollow());
  let sink: LineSink = () => undefined;
  const onError = jest.fn();
  const followSession = new LogFollowSession(socket as unknown as WebSocket, {
    authenticate,
    open: (_start, onLine) => {
      sink = onLine;
      return Promise.resolve({
        opened: labels.map((label, i) => ({ label, follow: follows[i] })),
        failed: [],
      });
    },
    onError,
  });
  const start = async (extra: Record<string, unknown> = {}): Promise<void> => {
    const targets =
      labels.length === 1
        ? { source: 'docker-tcp', hostId: 'h', container: labels[0] }
        : { containers: labels.map((c) => ({ source: 'docker-tcp', hostId: 'h', container: c })) };
    socket.emit(
      'message',
      Buffer.from(JSON.stringify({ type: 'start', token: 't', ...targets, ...extra })),
      false,
    );
    await flushPromises();
  };
  const emit = (label: string, ...lines: FollowedLine[]) => lines.forEach((l) => sink(label, l));
  return { socket, follows, start, emit, onError, sessionOf: () => followSession };
}

const linesSent = (socket: FakeSocket) =>
  socket.sent.flatMap((m) => (m.type === 'lines' ? m.lines.map((l) => l.text) : []));

describe('LogFollowSession', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends ready, then lines batched every 100 ms, at once when 500 wait', async () => {
    const { socket, start, emit } = session(['web']);
    await start();
    expect(socket.sent).toEqual([{ type: 'ready', containers: ['web'] }]);
    emit('web', line(1), line(2, 'stderr'));
    expect(socket.sent).toHaveLength(1);
    jest.advanceTimersByTime(100);
    expect(socket.sent[1]).toEqual({
      type: 'lines',
      lines: [
        { t: line(1).timestamp, stream: 'stdout', text: 'line 1' },
        { t: line(2).timestamp, stream: 'stderr', text: 'line 2' },
      ],
    });
    emit('web', ...Array.from({ length: 500 }, (_, i) => line(i + 3)));
    expect(socket.sent).toHaveLength(3);
    expect(linesSent(socket)).toHaveLength(502);
  });

  it('holds lines while the socket is backed up, drops the oldest past the bound, says so', async () => {
    const { socket, start, emit } = session(['web']);
    await start();
    socket.bufferedAmount = HIGH_WATER_BYTES;
    const total = QUEUE_LIMITS.maxLines + 1500;
    emit('web', ...Array.from({ length: total }, (_, i) => line(i)));
    jest.advanceTimersByTime(500);
    expect(socket.sent).toHaveLength(1); // only ready: nothing written while backed up

    socket.bufferedAmount = 0;
    jest.advanceTimersByTime(100);
    const dropped = socket.sent.find((m) => m.type === 'dropped');
    expect(dropped).toEqual({ type: 'dropped', count: 1500 });
    expect(socket.sent.indexOf(dropped!)).toBe(1); // before the lines that follow the gap
    const texts = linesSent(socket);
    expect([texts.length, texts[0], texts.at(-1)]).toEqual([
      QUEUE_LIMITS.maxLines,
      'line 1500',
      `line ${total - 1}`,
    ]);
  });

  it('queues the tail that arrives before ready and sends it after', async () => {
    const socket = new FakeSocket();
    const follow = new FakeFollow();
    new LogFollowSession(socket as unknown as WebSocket, {
      authenticate: () => Promise.resolve({ id: 'u', username: 'u', role: 'member' }),
      open: (_start, onLine) => {
        onLine('web', line(1));
        return Promise.resolve({ opened: [{ label: 'web', follow }], failed: [] });
      },
      onError: jest.fn(),
    });
    socket.emit(
      'message',
      JSON.stringify({
        type: 'start',
        token: 't',
        source: 'docker-tcp',
        hostId: 'h',
        container: 'web',
      }),
      false,
    );
    await flushPromises();
    expect(socket.sent.map((m) => m.type)).toEqual(['ready', 'lines']);
  });

  it('ends with the reason and closes 1000 when the container stops', async () => {
    const { socket, follows, start, emit } = session(['web']);
    await start();
    emit('web', line(1));
    follows[0].end('the container stopped');
    await flushPromises();
    expect(socket.sent.slice(1)).toEqual([
      { type: 'lines', lines: [expect.objectContaining({ text: 'line 1' })] },
      { type: 'end', reason: 'the container stopped' },
    ]);
    expect(socket.closedWith).toBe(LOG_FOLLOW_CLOSE.normal);
  });

  it('labels merged lines, sorts a frame by time, ends one stream then the follow', async () => {
    const { socket, follows, start, emit } = session(['web', 'db']);
    await start();
    emit('db', line(5));
    emit('web', line(3));
    jest.advanceTimersByTime(MERGE_SETTLE_MS);
    expect(socket.sent[1]).toEqual({
      type: 'lines',
      lines: [
        expect.objectContaining({ text: 'line 3', container: 'web' }),
        expect.objectContaining({ text: 'line 5', container: 'db' }),
      ],
    });
    follows[1].end('the container stopped');
    await flushPromises();
    expect(socket.sent.at(-1)).toEqual({
      type: 'end',
      container: 'db',
      reason: 'db: the container stopped',
    });
    expect(socket.closedWith).toBeNull();
    follows[0].end('the container stopped');
    await flushPromises();
    expect(socket.sent.at(-1)).toEqual({ type: 'end', reason: 'web: the container stopped' });
    expect(socket.closedWith).toBe(LOG_FOLLOW_CLOSE.normal);
  });

  it('answers a follow that broke with error and 4502, the cause in the server log only', async () => {
    const { socket, follows, start, emit, onError } = session(['web']);
    await start();
    emit('web', line(1));
    const cause = new Error('connect ECONNRESET 10.0.0.7:2376');
    follows[0].fail('the engine connection failed', cause);
    await flushPromises();
    expect(socket.sent.slice(1)).toEqual([
      { type: 'lines', lines: [expect.objectContaining({ text: 'line 1' })] },
      { type: 'error', message: 'Follow lost: the engine connection failed' },
    ]);
    expect(socket.closedWith).toBe(LOG_FOLLOW_CLOSE.unreachable);
    expect(onError).toHaveBeenCalledWith(cause);
  });

  it('ends a broken member of a merged view alone; the others go on', async () => {
    const { socket, follows, start, emit } = session(['web', 'db']);
    await start();
    jest.advanceTimersByTime(MERGE_SETTLE_MS);
    follows[1].fail('the SSH connection was lost');
    await flushPromises();
    expect(socket.sent.at(-1)).toEqual({
      type: 'end',
      container: 'db',
      reason: 'db: the SSH connection was lost',
    });
    emit('web', line(7));
    jest.advanceTimersByTime(100);
    expect(linesSent(socket)).toEqual(['line 7']);
    expect(socket.closedWith).toBeNull();
    expect(follows[0].stopped).toBe(false);
  });

  it("keeps a member's end behind its lines while the socket is backed up", async () => {
    const { socket, follows, start, emit } = session(['web', 'db']);
    await start();
    jest.advanceTimersByTime(MERGE_SETTLE_MS);
    socket.bufferedAmount = HIGH_WATER_BYTES;
    emit('db', line(1), line(2));
    follows[1].end('the container stopped');
    await flushPromises();
    jest.advanceTimersByTime(200);
    expect(socket.sent.map((m) => m.type)).toEqual(['ready']); // nothing forced past the bound
    emit('web', line(3));
    socket.bufferedAmount = 0;
    jest.advanceTimersByTime(100);
    expect(socket.sent.slice(1).map((m) => m.type)).toEqual(['lines', 'end']);
    expect(linesSent(socket)).toEqual(['line 1', 'line 2', 'line 3']);
    socket.sent.length = 0;
    emit('web', line(4));
    jest.advanceTimersByTime(100);
    expect(socket.sent.map((m) => m.type)).toEqual(['lines']); // the end was sent once
  });

  it('closes 1001 with an error frame when the server shuts down', async () => {
    const { socket, follows, start, sessionOf } = session(['web']);
    await start();
    sessionOf().shutdown();
    expect(socket.sent.at(-1)).toEqual({ type: 'error', message: 'The server is shutting down' });
    expect(socket.closedWith).toBe(LOG_FOLLOW_CLOSE.goingAway);
    expect(follows[0].stopped).toBe(true);
  });

  it('interleaves the tails of a merged view by time before the first frame', async () => {
    const { socket, start, emit } = session(['web', 'db']);
    await start();
    emit('web', ...Array.from({ length: 600 }, (_, i) => line(2 * i)));
    emit('db', ...Array.from({ length: 600 }, (_, i) => line(2 * i + 1)));
    expect(socket.sent).toHaveLength(1); // settling: only ready
    jest.advanceTimersByTime(MERGE_SETTLE_MS);
    const sent = socket.sent.flatMap((m) => (m.type === 'lines' ? m.lines : []));
    expect(sent.map((l) => l.text)).toEqual(Array.from({ length: 1200 }, (_, i) => `line ${i}`));
    expect(sent.slice(0, 2).map((l) => l.container)).toEqual(['web', 'db']);
  });

  it('stops the follows that open after the client already left', async () => {
    const socket = new FakeSocket();
    const follow = new FakeFollow();
    let opened!: () => void;
    new LogFollowSession(socket as unknown as WebSocket, {
      authenticate: () => Promise.resolve({ id: 'u', username: 'u', role: 'member' }),
      open: () =>
        new Promise((resolve) => {
          opened = () => resolve({ opened: [{ label: 'web', follow }], failed: [] });
        }),
      onError: jest.fn(),
    });
    socket.emit(
      'message',
      JSON.stringify({
        type: 'start',
        token: 't',
        source: 'docker-tcp',
        hostId: 'h',
        container: 'web',
      }),
      false,
    );
    await flushPromises();
    socket.emit('close');
    opened();
    await flushPromises();
    expect(follow.stopped).toBe(true);
    expect(socket.sent).toEqual([]);
  });

  it('stops every follow when the client closes', async () => {
    const { socket, follows, start } = session(['web', 'db']);
    await start();
    socket.emit('close');
    expect(follows.map((f) => f.stopped)).toEqual([true, true]);
  });

  it('refuses a bad token, a second start, and keeps unexpected errors out of the frame', async () => {
    const refused = session(
      ['web'],
      jest.fn().mockRejectedValue(new SocketRefusal(4401, 'Sign in again')),
    );
    await refused.start();
    expect(refused.socket.sent).toEqual([{ type: 'error', message: 'Sign in again' }]);
    expect(refused.socket.closedWith).toBe(4401);

    const twice = session(['web']);
    await twice.start();
    await twice.start();
    expect(twice.socket.sent.at(-1)).toEqual({ type: 'error', message: 'start was already sent' });
    expect(twice.follows[0].stopped).toBe(true);

    const notFound = session(
      ['web'],
      jest.fn().mockRejectedValue(new AppError(ErrorCode.NotFound, 'No such container')),
    );
    await notFound.start();
    expect(notFound.socket.closedWith).toBe(LOG_FOLLOW_CLOSE.notFound);

    const broken = session(
      ['web'],
      jest.fn().mockRejectedValue(new Error('secret detail at /srv')),
    );
    await broken.start();
    expect(broken.socket.sent).toEqual([
      { type: 'error', message: 'Follow failed; see the server log' },
    ]);
    expect(broken.onError).toHaveBeenCalled();
  });

  it('refuses a client that sends no start within 10 s', () => {
    const { socket } = session(['web']);
    jest.advanceTimersByTime(10_000);
    expect(socket.sent).toEqual([{ type: 'error', message: 'No start message within 10 s' }]);
    expect(socket.closedWith).toBe(LOG_FOLLOW_CLOSE.unauthorized);
  });
});
