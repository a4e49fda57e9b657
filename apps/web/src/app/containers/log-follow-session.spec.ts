import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogFollowStart } from '@archnest/contracts';
import {
  type LogFollowHandlers,
  LogFollowSession,
  logFollowUrl,
  parseServerMessage,
} from './log-follow-session';
import { FakeSocket } from './testing';

const START: LogFollowStart = {
  type: 'start',
  token: 'jwt',
  source: 'docker-tcp',
  hostId: 'h1',
  container: 'web',
  tail: 100,
};

describe('LogFollowSession', () => {
  let socket: FakeSocket;
  let handlers: { [K in keyof LogFollowHandlers]: ReturnType<typeof vi.fn> };
  let session: LogFollowSession;

  beforeEach(() => {
    socket = new FakeSocket();
    handlers = {
      ready: vi.fn(),
      lines: vi.fn(),
      dropped: vi.fn(),
      streamEnded: vi.fn(),
      ended: vi.fn(),
    };
    session = new LogFollowSession(socket, START, handlers as unknown as LogFollowHandlers);
  });

  it('builds the socket address from the page (wss behind https), with no token in it', () => {
    expect(logFollowUrl({ protocol: 'https:', host: 'ops.example:8443' })).toBe(
      'wss://ops.example:8443/api/containers/logs/follow',
    );
    expect(logFollowUrl({ protocol: 'http:', host: 'localhost:3000' })).toBe(
      'ws://localhost:3000/api/containers/logs/follow',
    );
  });

  it('sends start (with the token) as the first message once open', () => {
    expect(socket.sent).toEqual([]);
    socket.opens();
    expect(socket.sent).toEqual([START]);
  });

  it('hands over ready, batches of lines, dropped counts and the end of one stream', () => {
    socket.opens();
    socket.serverSends({ type: 'ready', containers: ['web', 'db'] });
    const lines = [
      { t: '2026-12-07T10:00:00.1Z', stream: 'stdout', text: 'one', container: 'web' },
      { t: '2026-12-07T10:00:00.2Z', stream: 'stderr', text: 'two', container: 'db' },
    ];
    socket.serverSends({ type: 'lines', lines });
    socket.serverSends({ type: 'dropped', count: 1250 });
    socket.serverSends({ type: 'end', reason: 'db: the container stopped', container: 'db' });
    expect(handlers.ready).toHaveBeenCalledWith(['web', 'db']);
    expect(handlers.lines).toHaveBeenCalledWith(lines);
    expect(handlers.dropped).toHaveBeenCalledWith(1250);
    expect(handlers.streamEnded).toHaveBeenCalledWith('db', 'db: the container stopped');
    expect(handlers.ended).not.toHaveBeenCalled();
  });

  it('ends normally with the reason of the end frame, then the 1000 close', () => {
    socket.opens();
    socket.serverSends({ type: 'end', reason: 'the container stopped' });
    expect(handlers.ended).not.toHaveBeenCalled();
    socket.serverCloses(1000);
    expect(handlers.ended).toHaveBeenCalledExactlyOnceWith('the container stopped', false, 1000);
  });

  it('fails with the message of the error frame, whatever the close code', () => {
    socket.opens();
    socket.serverSends({ type: 'error', message: 'agents send no logs' });
    socket.serverCloses(4400);
    expect(handlers.ended).toHaveBeenCalledExactlyOnceWith('agents send no logs', true, 4400);
  });

  it.each([
    [4401, 'Sign in again: the session token was refused'],
    [4404, 'The container or host was not found'],
    [4502, 'The host could not be reached'],
    [1001, 'The server is shutting down'],
    [1011, 'The connection closed (code 1011)'],
  ])('explains a close %i without an error frame', (code, reason) => {
    socket.serverCloses(code);
    expect(handlers.ended).toHaveBeenCalledExactlyOnceWith(reason, true, code);
  });

  it('says the connection failed when the socket errors before it closes', () => {
    socket.onerror?.({} as Event);
    socket.serverCloses(1006);
    expect(handlers.ended).toHaveBeenCalledExactlyOnceWith(
      'The connection to the server failed',
      true,
      1006,
    );
  });

  it('ignores frames that are not JSON, unknown or malformed, and lines without text', () => {
    socket.opens();
    socket.serverSends('not json');
    socket.serverSends({ type: 'output', data: 'x' });
    socket.serverSends({ type: 'lines', lines: 'nope' });
    socket.serverSends({ type: 'dropped', count: 'many' });
    socket.serverSends({
      type: 'lines',
      lines: [{ stream: 'stdout' }, { t: 'x', stream: 'stdout', text: 'kept' }, null],
    });
    expect(handlers.lines).toHaveBeenCalledExactlyOnceWith([
      { t: 'x', stream: 'stdout', text: 'kept' },
    ]);
    expect(handlers.dropped).not.toHaveBeenCalled();
  });

  it('calls nothing after the console closes it, and closes with 1000', () => {
    socket.opens();
    session.close();
    expect(socket.closedWith).toBe(1000);
    socket.serverSends({ type: 'lines', lines: [{ t: 'x', stream: 'stdout', text: 'late' }] });
    expect(handlers.lines).not.toHaveBeenCalled();
    expect(handlers.ended).not.toHaveBeenCalled();
  });

  it('does not send start when closed before the socket opened', () => {
    session.close();
    socket.opens();
    expect(socket.sent).toEqual([]);
  });
});

describe('parseServerMessage', () => {
  it('keeps the container of an end frame only when it is a string', () => {
    expect(parseServerMessage('{"type":"end","reason":"r","container":7}')).toEqual({
      type: 'end',
      reason: 'r',
    });
  });
});
