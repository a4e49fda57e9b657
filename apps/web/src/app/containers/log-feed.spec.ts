import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { LogFollowLine } from '@archnest/contracts';
import { TOKEN_STORAGE_KEY } from '../auth/auth';
import { SOCKET_FACTORY } from './exec-session';
import { LogFeed, type LogFeedSink } from './log-feed';
import type { LogTarget } from './log-targets';
import { FakeSocket } from './testing';

const web: LogTarget = {
  source: 'docker-tcp',
  hostId: 'h1',
  id: 'web',
  name: 'web',
  hostName: 'h',
};
const line = (t: string, text: string): LogFollowLine => ({ t, stream: 'stdout', text });

describe('LogFeed reconnects', () => {
  let sockets: FakeSocket[];
  let feed: LogFeed;
  let shown: string[];
  const socket = () => sockets.at(-1)!;

  beforeEach(() => {
    vi.useFakeTimers();
    localStorage.setItem(TOKEN_STORAGE_KEY, 'jwt');
    sockets = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: SOCKET_FACTORY,
          useValue: (url: string) => {
            const created = new FakeSocket(url);
            sockets.push(created);
            return created;
          },
        },
      ],
    });
    shown = [];
    const sink: LogFeedSink = {
      reset: () => (shown = []),
      containers: () => undefined,
      lines: (lines) => shown.push(...lines.map((l) => l.text)),
      marker: (tone, text) => shown.push(`[${tone}] ${text}`),
    };
    feed = TestBed.runInInjectionContext(() => new LogFeed(sink));
  });

  afterEach(() => {
    feed.stop();
    vi.useRealTimers();
    localStorage.clear();
  });

  function open(lines: LogFollowLine[] = []): void {
    socket().opens();
    socket().serverSends({ type: 'ready', containers: ['web'] });
    if (lines.length > 0) {
      socket().serverSends({ type: 'lines', lines });
    }
  }

  /** Lets the socket drop `times` times without ever opening; the waits between attempts. */
  function waits(times: number): number[] {
    const seen: number[] = [];
    for (let i = 0; i < times; i++) {
      const before = sockets.length;
      socket().serverCloses(1006);
      let waited = 0;
      while (sockets.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      seen.push(waited);
    }
    return seen;
  }

  it('backs off 1, 2, 5, 10, 10 s, counting down, and starts over after a ready', () => {
    feed.start([web], true, 100);
    socket().serverCloses(1006);
    expect(feed.phase()).toBe('reconnecting');
    expect(feed.retryIn()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(sockets).toHaveLength(2);
    expect(feed.phase()).toBe('connecting');
    expect(waits(4)).toEqual([2000, 5000, 10_000, 10_000]);
    socket().serverCloses(1001);
    expect(feed.retryIn()).toBe(10);
    vi.advanceTimersByTime(4000);
    expect(feed.retryIn()).toBe(6);
    vi.advanceTimersByTime(6000);
    open();
    expect(feed.phase()).toBe('following');
    expect(feed.reconnects()).toBe(0);
    expect(waits(2)).toEqual([1000, 2000]);
  });

  it('resumes with since = the last line time and the most history, without repeats', () => {
    feed.start([web], true, 100, { since: '2026-12-07T09:00:00.000Z' });
    socket().opens();
    expect(socket().sent).toEqual([
      expect.objectContaining({ tail: 100, since: '2026-12-07T09:00:00.000Z' }),
    ]);
    socket().serverSends({ type: 'ready', containers: ['web'] });
    socket().serverSends({
      type: 'lines',
      lines: [line('2026-12-07T10:00:01Z', 'one'), line('2026-12-07T10:00:02.5Z', 'two')],
    });
    socket().serverSends({ type: 'error', message: 'the follow failed' });
    socket().serverCloses(4502);
    vi.advanceTimersByTime(1000);
    socket().opens();
    expect(socket().sent).toEqual([
      expect.objectContaining({ type: 'start', since: '2026-12-07T10:00:02.5Z', tail: 5000 }),
    ]);
    open([line('2026-12-07T10:00:02.500Z', 'two'), line('2026-12-07T10:00:03Z', 'three')]);
    expect(shown).toEqual([
      'one',
      'two',
      '[error] Connection lost: the follow failed',
      '[end] Reconnected: the follow goes on',
      'three',
    ]);
  });

  it.each([
    ['after end (1000)', 1000, true],
    ['after a 4404', 4404, false],
    ['after a 4401', 4401, false],
    ['after a 4429', 4429, false],
    ['after a 1011', 1011, false],
  ])('does not reconnect %s', (_name, code, end) => {
    feed.start([web], true, 100);
    open([line('2026-12-07T10:00:01Z', 'one')]);
    if (end) {
      socket().serverSends({ type: 'end', reason: 'the container stopped' });
    } else {
      socket().serverSends({ type: 'error', message: 'refused' });
    }
    socket().serverCloses(code);
    expect(feed.phase()).toBe(end ? 'ended' : 'failed');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('does not reconnect once stopped (follow off, page left)', () => {
    feed.start([web], true, 100);
    socket().serverCloses(1006);
    feed.stop();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });
});
