import {
  LOG_FOLLOW_CLOSE,
  LOG_FOLLOW_LIMITS,
  type LogFollowServerMessage,
} from '@archnest/contracts';
import type { RawData, WebSocket } from 'ws';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import { AppError } from '../../common/errors/app-error';
import type { FollowedLine, FollowEnd } from '../container-source';
import { SocketRefusal } from '../sockets/socket-auth';
import { closeCodeFor, closeReason } from '../sockets/socket-close';
import { frameText } from '../sockets/socket-frames';
import { inTimeOrder, LineQueue } from './line-queue';
import { parseStartMessage, type FollowStart } from './log-follow-messages';
import type { FollowFailure, LineSink, OpenedFollow } from './log-follows';

/** A client has this long to send `start` after connecting. */
export const START_TIMEOUT_MS = 10_000;
/** Frames are written only while the socket has less than this unsent. */
export const HIGH_WATER_BYTES = 1024 * 1024;
/** What waits for a slow client at most; older waiting lines are dropped beyond it. */
export const QUEUE_LIMITS = { maxLines: 10_000, maxChars: 4 * 1024 * 1024 };
/**
 * A merged view waits this long after `ready` so every container's tail has arrived, then
 * sends the tails interleaved by time rather than one container after the other.
 */
export const MERGE_SETTLE_MS = 300;
/** How soon a backed-up socket is looked at again. */
const RETRY_MS = 25;

export interface LogFollowSessionDeps {
  authenticate(token: string): Promise<AuthUser>;
  open(
    start: FollowStart,
    onLine: LineSink,
  ): Promise<{
    opened: OpenedFollow[];
    failed: FollowFailure[];
  }>;
  onError(error: unknown): void;
}

type Phase = 'waiting' | 'starting' | 'following' | 'closed';

/**
 * One live-logs WebSocket (docs/logs-protocol.md): waits for `start`, authenticates it, opens a
 * follow per container and relays their lines in batched frames until every follow ended or
 * the client left. Lines wait in a bounded queue while the socket is backed up.
 */
export class LogFollowSession {
  private phase: Phase = 'waiting';
  private follows: OpenedFollow[] = [];
  private merged = false;
  private settling = false;
  private readonly queue = new LineQueue(QUEUE_LIMITS);
  /** A merged member's `end`, sent once the lines queued before it have gone. */
  private pendingEnds: { after: number; message: LogFollowServerMessage }[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly startTimer: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: LogFollowSessionDeps,
  ) {
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('close', () => this.stopAll());
    this.startTimer = setTimeout(
      () => this.refuse(LOG_FOLLOW_CLOSE.unauthorized, 'No start message within 10 s'),
      START_TIMEOUT_MS,
    );
  }

  /** Ends the session from the server's side, e.g. when the API shuts down. */
  shutdown(): void {
    if (this.phase !== 'closed') {
      this.refuse(LOG_FOLLOW_CLOSE.goingAway, 'The server is shutting down');
    }
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.phase !== 'waiting') {
      this.refuse(LOG_FOLLOW_CLOSE.badRequest, 'start was already sent');
      return;
    }
    const parsed = isBinary
      ? ({ ok: false, reason: 'messages must be JSON text frames' } as const)
      : parseStartMessage(frameText(data));
    if (!parsed.ok) {
      this.refuse(LOG_FOLLOW_CLOSE.badRequest, parsed.reason);
      return;
    }
    clearTimeout(this.startTimer);
    this.phase = 'starting';
    this.start(parsed.start).catch((error: unknown) => this.deps.onError(error));
  }

  private async start(start: FollowStart): Promise<void> {
    this.merged = start.targets.length > 1;
    try {
      await this.deps.authenticate(start.token);
      const { opened, failed } = await this.deps.open(start, (label, line) =>
        this.onLine(label, line),
      );
      this.follows = opened;
      if (this.phase === 'closed') {
        this.stopAll(); // the client left while the follows opened
        return;
      }
      if (opened.length === 0) {
        throw failed[0].error;
      }
      this.phase = 'following';
      this.send({ type: 'ready', containers: opened.map(({ label }) => label) });
      failed.forEach(({ label, error }) =>
        this.send(endOf(label, `${label}: not followed: ${this.reason(error)}`)),
      );
      opened.forEach((one) => void one.follow.ended.then((end) => this.onEnded(one, end)));
      this.sendTails();
    } catch (error) {
      this.refuse(closeCodeFor(error), this.reason(error));
    }
  }

  private sendTails(): void {
    if (!this.merged) {
      this.flush();
      return;
    }
    this.settling = true;
    this.flushTimer = setTimeout(() => {
      this.settling = false;
      this.queue.sortWaiting();
      this.flush();
    }, MERGE_SETTLE_MS);
  }

  private onLine(label: string, line: FollowedLine): void {
    this.queue.push({
      t: line.timestamp ?? new Date().toISOString(),
      stream: line.stream,
      text: line.text,
      ...(this.merged ? { container: label } : {}),
    });
    if (this.phase !== 'following' || this.settling) {
      return; // the tail waits for `ready`, a merged one until every tail is in
    }
    if (this.queue.size >= LOG_FOLLOW_LIMITS.maxLinesPerFrame) {
      this.flush();
    } else {
      this.flushTimer ??= setTimeout(() => this.flush(), LOG_FOLLOW_LIMITS.flushIntervalMs);
    }
  }

  /** Sends what waits, a frame at a time, while the socket keeps up; else tries again soon. */
  private flush(force = false): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    this.sendPendingEnds();
    while (this.queue.size > 0 && (force || this.socket.bufferedAmount < HIGH_WATER_BYTES)) {
      const { dropped, lines } = this.queue.take(LOG_FOLLOW_LIMITS.maxLinesPerFrame);
      if (dropped > 0) {
        this.send({ type: 'dropped', count: dropped });
      }
      this.send({ type: 'lines', lines: inTimeOrder(lines) });
      this.sendPendingEnds();
    }
    if (this.queue.size > 0 && this.phase === 'following') {
      this.flushTimer = setTimeout(() => this.flush(), RETRY_MS);
    }
  }

  private sendPendingEnds(): void {
    while (this.pendingEnds.length > 0 && this.queue.hasPassed(this.pendingEnds[0].after)) {
      this.send(this.pendingEnds.shift()!.message);
    }
  }

  /**
   * One follow ended or broke. In a merged view the others go on and the member's `end` waits
   * behind what it wrote; the last one closes the socket: `end` + 1000 when its stream ended,
   * `error` + 4502 when it broke (details in the server log only).
   */
  private onEnded(one: OpenedFollow, end: FollowEnd): void {
    if (this.phase !== 'following') {
      return;
    }
    if (end.kind === 'failed' && end.cause !== undefined) {
      this.deps.onError(end.cause);
    }
    if (this.settling) {
      this.settling = false;
      this.queue.sortWaiting();
    }
    this.follows = this.follows.filter((follow) => follow !== one);
    const reason = this.merged ? `${one.label}: ${end.reason}` : end.reason;
    if (this.follows.length > 0) {
      this.pendingEnds.push({ after: this.queue.pushed, message: endOf(one.label, reason) });
      this.flush();
      return;
    }
    this.flush(true); // the last words before the close; the queue bounds them
    if (end.kind === 'failed') {
      this.refuse(LOG_FOLLOW_CLOSE.unreachable, `Follow lost: ${reason}`);
      return;
    }
    this.phase = 'closed';
    this.send({ type: 'end', reason });
    this.socket.close(LOG_FOLLOW_CLOSE.normal, 'ended');
  }

  private refuse(code: number, message: string): void {
    clearTimeout(this.startTimer);
    this.send({ type: 'error', message });
    this.phase = 'closed';
    this.socket.close(code, closeReason(message));
    this.stopAll();
  }

  /** Ends every follow at once, remotely too; nothing more is sent. */
  private stopAll(): void {
    clearTimeout(this.startTimer);
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    this.phase = 'closed';
    this.follows.forEach(({ follow }) => follow.stop());
    this.follows = [];
  }

  /** What a client may read of a failure; anything unexpected goes to the server log only. */
  private reason(error: unknown): string {
    if (error instanceof SocketRefusal || error instanceof AppError) {
      return error.message;
    }
    this.deps.onError(error);
    return 'Follow failed; see the server log';
  }

  private send(message: LogFollowServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }
}

function endOf(container: string, why: string): LogFollowServerMessage {
  return { type: 'end', reason: why, container };
}
