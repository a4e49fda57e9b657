import { EXEC_CLOSE, type ExecServerMessage } from '@archnest/contracts';
import { StringDecoder } from 'node:string_decoder';
import type { RawData, WebSocket } from 'ws';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import { AppError } from '../../common/errors/app-error';
import { SocketRefusal } from '../sockets/socket-auth';
import { closeCodeFor, closeReason } from '../sockets/socket-close';
import { frameText } from '../sockets/socket-frames';
import type { ExecHandle } from './exec-handle';
import { parseClientMessage, type StartMessage } from './exec-messages';

/** A client has this long to send `start` after connecting. */
export const START_TIMEOUT_MS = 10_000;
/** Output waits (the engine stream pauses) while the client has this much unread. */
const HIGH_WATER_BYTES = 1024 * 1024;
const GOING_AWAY = 1001;

export interface ExecSessionDeps {
  authenticate(token: string): Promise<AuthUser>;
  open(actor: AuthUser, start: StartMessage): Promise<ExecHandle>;
  recordEnd(actor: AuthUser, handle: ExecHandle, detail: string): Promise<void>;
  onError(error: unknown): void;
}

type Phase = 'waiting' | 'starting' | 'running' | 'closed';

/**
 * One exec WebSocket: waits for `start`, authenticates it, opens the exec and then relays input,
 * output and resizes until either side ends. Closing the socket ends the exec session.
 */
export class ExecSession {
  private phase: Phase = 'waiting';
  private handle: ExecHandle | null = null;
  private actor: AuthUser | null = null;
  private startedAt = 0;
  private ending: Promise<void> | null = null;
  private readonly startTimer: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: ExecSessionDeps,
  ) {
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('close', () => this.onClientClose());
    this.startTimer = setTimeout(
      () => this.refuse(EXEC_CLOSE.unauthorized, 'No start message within 10 s'),
      START_TIMEOUT_MS,
    );
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const parsed = isBinary
      ? ({ ok: false, reason: 'messages must be JSON text frames' } as const)
      : parseClientMessage(frameText(data));
    if (!parsed.ok) {
      this.refuse(EXEC_CLOSE.badRequest, parsed.reason);
      return;
    }
    const message = parsed.message;
    if (message.type === 'start') {
      if (this.phase !== 'waiting') {
        this.refuse(EXEC_CLOSE.badRequest, 'start was already sent');
        return;
      }
      clearTimeout(this.startTimer);
      this.phase = 'starting';
      this.start(message).catch((error: unknown) => this.deps.onError(error));
      return;
    }
    if (this.phase === 'waiting') {
      this.refuse(EXEC_CLOSE.badRequest, 'The first message must be start');
    } else if (this.phase === 'running' && this.handle) {
      this.relay(this.handle, message);
    }
    // Input and resizes that arrive while the exec is starting are dropped (see the protocol doc).
  }

  private relay(
    handle: ExecHandle,
    message: { type: 'input'; data: string } | { type: 'resize'; cols: number; rows: number },
  ): void {
    if (message.type === 'input') {
      handle.stream.write(message.data);
      return;
    }
    handle.resize(message.cols, message.rows).catch((error: unknown) => {
      this.send({
        type: 'error',
        message: error instanceof Error ? error.message : 'resize failed',
      });
    });
  }

  private async start(message: StartMessage): Promise<void> {
    try {
      this.actor = await this.deps.authenticate(message.token);
      const handle = await this.deps.open(this.actor, message);
      this.handle = handle;
      this.startedAt = Date.now();
      if (this.phase === 'closed') {
        await this.finish('client closed while starting', null);
        return;
      }
      this.phase = 'running';
      this.send({ type: 'ready', shell: handle.shell });
      this.pipeOutput(handle);
    } catch (error) {
      const known = error instanceof SocketRefusal || error instanceof AppError;
      this.refuse(
        closeCodeFor(error),
        known ? (error as Error).message : 'Exec failed; see the server log',
      );
      if (!known) {
        throw error;
      }
    }
  }

  private pipeOutput(handle: ExecHandle): void {
    const decoder = new StringDecoder('utf8');
    handle.stream.on('data', (chunk: Buffer) => {
      const data = decoder.write(chunk);
      if (data) {
        this.send({ type: 'output', data });
      }
      this.applyBackpressure(handle);
    });
    handle.stream.once('close', () => this.onExecEnded(handle));
    handle.stream.once('error', () => handle.stream.destroy());
    handle.stream.resume(); // a stream paused while starting stays paused despite the listener
  }

  private applyBackpressure(handle: ExecHandle): void {
    if (this.socket.bufferedAmount <= HIGH_WATER_BYTES || handle.stream.isPaused()) {
      return;
    }
    handle.stream.pause();
    const resume = setInterval(() => {
      if (this.socket.bufferedAmount < HIGH_WATER_BYTES / 4 || this.phase !== 'running') {
        clearInterval(resume);
        handle.stream.resume();
      }
    }, 25);
  }

  private onExecEnded(handle: ExecHandle): void {
    if (this.phase !== 'running') {
      return;
    }
    this.phase = 'closed';
    this.ending = handle
      .exitCode()
      .then((code) => {
        this.send({ type: 'exit', code });
        this.socket.close(EXEC_CLOSE.normal, 'exited');
        return this.end('shell exited', code);
      })
      .catch((error: unknown) => this.deps.onError(error));
  }

  private onClientClose(): void {
    clearTimeout(this.startTimer);
    const wasRunning = this.phase === 'running';
    this.phase = 'closed';
    if (wasRunning) {
      void this.finish('closed by the client', null);
    }
  }

  /** Resolves once the session's clean-up (processes ended, end audited) is done. */
  settled(): Promise<void> {
    return this.ending ?? Promise.resolve();
  }

  /** Ends the session from the server's side, e.g. when the API shuts down. */
  shutdown(): Promise<void> {
    if (this.phase !== 'closed') {
      this.refuse(GOING_AWAY, 'The server is shutting down');
    }
    return this.settled();
  }

  private finish(reason: string, code: number | null): Promise<void> {
    this.ending = this.end(reason, code).catch((error: unknown) => this.deps.onError(error));
    return this.ending;
  }

  /** Ends what the session left running in the container, then records the end. */
  private async end(reason: string, code: number | null): Promise<void> {
    const handle = this.handle;
    if (!handle) {
      return;
    }
    handle.stream.destroy();
    await handle.terminate?.().catch((error: unknown) => this.deps.onError(error));
    if (this.actor) {
      const seconds = Math.round((Date.now() - this.startedAt) / 1000);
      const exit = code === null ? '' : ` exit=${code}`;
      await this.deps.recordEnd(this.actor, handle, `${reason} after ${seconds} s${exit}`);
    }
  }

  private refuse(code: number, message: string): void {
    clearTimeout(this.startTimer);
    this.send({ type: 'error', message });
    const wasRunning = this.phase === 'running';
    this.phase = 'closed';
    this.socket.close(code, closeReason(message));
    if (wasRunning) {
      void this.finish(`ended by the server: ${message}`, null);
    }
  }

  private send(message: ExecServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }
}
