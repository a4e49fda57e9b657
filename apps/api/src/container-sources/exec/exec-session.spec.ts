import { EXEC_CLOSE, type ExecServerMessage } from '@archnest/contracts';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { WebSocket } from 'ws';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import type { ExecHandle } from './exec-handle';
import { SocketRefusal } from '../sockets/socket-auth';
import { ExecSession, type ExecSessionDeps } from './exec-session';

const ADMIN: AuthUser = { id: 'u1', username: 'admin', role: 'admin' };
const START = { type: 'start', token: 't', hostId: 'h', container: 'web', cols: 80, rows: 24 };

/** The parts of a ws WebSocket the session uses, recording what it sends. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: ExecServerMessage[] = [];
  closedWith: number | null = null;

  send(text: string): void {
    this.sent.push(JSON.parse(text) as ExecServerMessage);
  }

  close(code: number): void {
    if (this.readyState === this.OPEN) {
      this.readyState = 3;
      this.closedWith = code;
      setImmediate(() => this.emit('close'));
    }
  }

  receive(message: object | string): void {
    this.emit(
      'message',
      Buffer.from(typeof message === 'string' ? message : JSON.stringify(message)),
      false,
    );
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(overrides: Partial<ExecSessionDeps> = {}) {
  const socket = new FakeSocket();
  const stream = new PassThrough();
  const written: string[] = [];
  const shell = new PassThrough();
  shell.on('data', (chunk: Buffer) => written.push(chunk.toString()));
  const duplex = Object.assign(stream, { write: (data: string) => shell.write(data) });
  const handle: ExecHandle = {
    shell: 'sh',
    source: 'docker-tcp',
    target: 'docker-tcp:lab/web',
    stream: duplex,
    resize: jest.fn(() => Promise.resolve()),
    exitCode: jest.fn(() => Promise.resolve(3)),
    terminate: jest.fn(() => Promise.resolve()),
  };
  const deps: ExecSessionDeps = {
    authenticate: jest.fn(() => Promise.resolve(ADMIN)),
    open: jest.fn(() => Promise.resolve(handle)),
    recordEnd: jest.fn(() => Promise.resolve()),
    onError: jest.fn(),
    ...overrides,
  };
  const session = new ExecSession(socket as unknown as WebSocket, deps);
  return { socket, stream, written, handle, deps, session };
}

describe('ExecSession', () => {
  afterEach(() => jest.useRealTimers());

  it('starts, relays input, output and resizes, and ends when the shell exits', async () => {
    const { socket, stream, written, handle, deps } = setup();
    socket.receive(START);
    await tick();
    expect(socket.sent).toEqual([{ type: 'ready', shell: 'sh' }]);
    socket.receive({ type: 'input', data: 'ls\r' });
    socket.receive({ type: 'resize', cols: 100, rows: 30 });
    stream.push('total 0\r\n');
    await tick();
    expect(written).toEqual(['ls\r']);
    expect(handle.resize).toHaveBeenCalledWith(100, 30);
    expect(socket.sent[1]).toEqual({ type: 'output', data: 'total 0\r\n' });
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(socket.sent.at(-1)).toEqual({ type: 'exit', code: 3 });
    expect(socket.closedWith).toBe(EXEC_CLOSE.normal);
    expect(handle.terminate).toHaveBeenCalled();
    expect(deps.recordEnd).toHaveBeenCalledWith(ADMIN, handle, 'shell exited after 0 s exit=3');
  });

  it('ends the processes and records the end when the client closes the socket', async () => {
    const { socket, handle, deps, session } = setup();
    socket.receive(START);
    await tick();
    socket.emit('close');
    await session.settled();
    expect(handle.terminate).toHaveBeenCalled();
    expect(deps.recordEnd).toHaveBeenCalledWith(ADMIN, handle, 'closed by the client after 0 s');
  });

  it('closes with 1001 on shutdown and resolves once the clean-up is done', async () => {
    const { socket, handle, deps, session } = setup();
    socket.receive(START);
    await tick();
    await session.shutdown();
    expect(socket.closedWith).toBe(1001);
    expect(handle.terminate).toHaveBeenCalled();
    expect(deps.recordEnd).toHaveBeenCalledWith(
      ADMIN,
      handle,
      'ended by the server: The server is shutting down after 0 s',
    );
  });

  it.each([
    [
      'a member',
      new SocketRefusal(EXEC_CLOSE.forbidden, 'Exec needs the admin role'),
      EXEC_CLOSE.forbidden,
    ],
    ['a 404', new AppError(ErrorCode.NotFound, 'No such container'), EXEC_CLOSE.notFound],
    ['a 409', new AppError(ErrorCode.Conflict, 'is not running'), EXEC_CLOSE.badRequest],
    ['a 504', new AppError(ErrorCode.SourceTimeout, 'did not answer'), EXEC_CLOSE.unreachable],
  ])('refuses %s with its message and close code', async (_what, error, code) => {
    const { socket, deps } = setup({ open: () => Promise.reject(error) });
    socket.receive(START);
    await tick();
    expect(socket.sent).toEqual([{ type: 'error', message: error.message }]);
    expect(socket.closedWith).toBe(code);
    expect(deps.recordEnd).not.toHaveBeenCalled();
  });

  it('hides unexpected errors from the client and reports them', async () => {
    const bug = new TypeError('x is undefined');
    const { socket, deps } = setup({ open: () => Promise.reject(bug) });
    socket.receive(START);
    await tick();
    expect(socket.sent).toEqual([{ type: 'error', message: 'Exec failed; see the server log' }]);
    expect(socket.closedWith).toBe(1011);
    expect(deps.onError).toHaveBeenCalledWith(bug);
  });

  it('refuses anything but start first, a second start, and binary frames', async () => {
    const first = setup();
    first.socket.receive({ type: 'input', data: 'id\r' });
    expect(first.socket.closedWith).toBe(EXEC_CLOSE.badRequest);
    expect(first.deps.authenticate).not.toHaveBeenCalled();

    const twice = setup();
    twice.socket.receive(START);
    await tick();
    twice.socket.receive(START);
    expect(twice.socket.closedWith).toBe(EXEC_CLOSE.badRequest);

    const binary = setup();
    binary.socket.emit('message', Buffer.from(JSON.stringify(START)), true);
    expect(binary.socket.closedWith).toBe(EXEC_CLOSE.badRequest);
  });

  it('gives up on a client that never sends start', () => {
    jest.useFakeTimers();
    const { socket } = setup();
    jest.advanceTimersByTime(10_000);
    expect(socket.closedWith).toBe(EXEC_CLOSE.unauthorized);
    expect(socket.sent).toEqual([{ type: 'error', message: 'No start message within 10 s' }]);
  });

  it('drops input sent before ready', async () => {
    let opened: (handle: ExecHandle) => void = () => undefined;
    const { socket, written, handle } = setup({
      open: () => new Promise((resolve) => (opened = resolve)),
    });
    socket.receive(START);
    await tick();
    socket.receive({ type: 'input', data: 'early\r' });
    opened(handle);
    await tick();
    socket.receive({ type: 'input', data: 'late\r' });
    await tick();
    expect(written).toEqual(['late\r']);
  });
});
