import { DOCUMENT, inject, signal } from '@angular/core';
import {
  type ContainerLogs,
  LOG_FOLLOW_LIMITS,
  type LogFollowLine,
  type LogFollowStart,
} from '@archnest/contracts';
import { Auth } from '../auth/auth';
import { describeError } from '../common/http-error';
import { SOCKET_FACTORY } from './exec-session';
import { ContainersApi } from './containers-api';
import type { IncomingLine, MarkerTone } from './log-buffer';
import { LogFollowSession, logFollowUrl } from './log-follow-session';
import { LogResumePoint, reconnectDelay, shouldReconnect } from './log-reconnect';
import { formatCount } from './log-status';
import { type LogTarget, mergeLabels } from './log-targets';
import type { LogRange } from './log-window';

export type LogPhase =
  'loading' | 'connecting' | 'following' | 'reconnecting' | 'ended' | 'failed' | 'loaded';

/** Where a feed puts what it reads (the viewer's buffer). */
export interface LogFeedSink {
  /** A new feed begins: forget what the last one delivered. */
  reset(): void;
  /** The labels the lines of a merge carry, in the order their colours go. */
  containers(labels: string[]): void;
  lines(lines: readonly IncomingLine[]): void;
  marker(tone: MarkerTone, text: string): void;
}

type TailLine = IncomingLine & { at: number };

/** The REST tails of several containers as one list, and what could not be loaded. */
interface MergedTails {
  lines: TailLine[];
  failures: string[];
  truncated: boolean;
}

/**
 * What fills the log viewer: a live follow over the WebSocket (docs/logs-protocol.md), or the
 * REST tail once. Each start() supersedes the last; whatever an older one still delivers is
 * dropped. Create it in an injection context (a component's field).
 */
export class LogFeed {
  private readonly api = inject(ContainersApi);
  private readonly auth = inject(Auth);
  private readonly document = inject(DOCUMENT);
  private readonly openSocket = inject(SOCKET_FACTORY);
  private readonly currentPhase = signal<LogPhase>('loading');
  private readonly currentProblem = signal<string | null>(null);
  private readonly cut = signal(false);
  private readonly secondsToRetry = signal(0);
  private readonly attempts = signal(0);
  private session: LogFollowSession | null = null;
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private countdown: ReturnType<typeof setInterval> | null = null;
  private retry: (() => void) | null = null;
  private readonly resume = new LogResumePoint();

  readonly phase = this.currentPhase.asReadonly();
  /** Why the follow stopped, or which tails could not be loaded. */
  readonly problem = this.currentProblem.asReadonly();
  /** A source cut its output at its size limit. */
  readonly truncated = this.cut.asReadonly();
  /** While `reconnecting`: whole seconds until the next attempt. */
  readonly retryIn = this.secondsToRetry.asReadonly();
  /** Reconnect attempts since the last `ready` (0 while the follow is fine). */
  readonly reconnects = this.attempts.asReadonly();

  constructor(private readonly sink: LogFeedSink) {}

  /** A new view: the follow or the REST tail of `targets`, within `range` (until: REST only). */
  start(targets: LogTarget[], follow: boolean, tail: number, range: LogRange = {}): void {
    this.stop();
    const generation = ++this.generation;
    this.sink.reset();
    this.currentProblem.set(null);
    this.cut.set(false);
    this.resume.clear();
    this.attempts.set(0);
    if (follow) {
      this.follow(targets, tail, range.since, generation, null);
    } else {
      void this.loadTail(targets, tail, range, generation);
    }
  }

  /** Ends the follow, and any reconnect waiting (the follow was turned off, the page left). */
  stop(): void {
    this.cancelRetry();
    this.session?.close();
    this.session = null;
  }

  /** While `reconnecting`: try again at once. */
  reconnectNow(): void {
    const retry = this.retry;
    if (retry) {
      this.cancelRetry();
      retry();
    }
  }

  private follow(
    targets: LogTarget[],
    tail: number,
    since: string | undefined,
    generation: number,
    fresh: ((lines: readonly LogFollowLine[]) => LogFollowLine[]) | null,
  ): void {
    this.currentPhase.set('connecting');
    /** A handler that ignores what a superseded follow still delivers. */
    const ifCurrent =
      <A extends unknown[]>(handle: (...args: A) => void) =>
      (...args: A): void => {
        if (generation === this.generation) {
          handle(...args);
        }
      };
    // A resumed follow asks for what it missed: from the latest line's time, as much as the
    // server sends; the boundary lines it already has are filtered out (`fresh`).
    const resumeFrom = this.resume.since;
    const start =
      fresh && resumeFrom
        ? startMessage(targets, this.auth.token() ?? '', LOG_FOLLOW_LIMITS.maxTail, resumeFrom)
        : startMessage(targets, this.auth.token() ?? '', tail, since);
    this.session = new LogFollowSession(
      this.openSocket(logFollowUrl(this.document.location)),
      start,
      {
        ready: ifCurrent((containers: string[]) => {
          this.sink.containers(containers);
          if (this.attempts() > 0) {
            this.sink.marker('end', 'Reconnected: the follow goes on');
          }
          this.attempts.set(0);
          this.currentProblem.set(null);
          this.currentPhase.set('following');
        }),
        lines: ifCurrent((lines: readonly LogFollowLine[]) => {
          const shown = fresh ? fresh(lines) : lines;
          this.resume.record(shown);
          if (shown.length > 0) {
            this.sink.lines(shown);
          }
        }),
        dropped: ifCurrent((n: number) =>
          this.sink.marker(
            'dropped',
            `${formatCount(n)} lines dropped: the console read too slowly`,
          ),
        ),
        streamEnded: ifCurrent((container: string, reason: string) =>
          this.sink.marker('end', streamEndText(container, reason)),
        ),
        ended: ifCurrent((reason: string, failed: boolean, code: number) => {
          this.session = null;
          if (failed && shouldReconnect(code)) {
            this.connectionLost(reason, () =>
              this.follow(targets, tail, since, generation, this.resume.resumeFilter()),
            );
          } else {
            this.followEnded(reason, failed);
          }
        }),
      },
    );
  }

  /** The follow was lost, not over: say so and try again after the backoff. */
  private connectionLost(reason: string, again: () => void): void {
    const delay = reconnectDelay(this.attempts());
    this.attempts.update((n) => n + 1);
    this.currentPhase.set('reconnecting');
    this.currentProblem.set(null);
    this.sink.marker('error', `Connection lost: ${reason}`);
    const due = Date.now() + delay;
    const tick = () => this.secondsToRetry.set(Math.max(1, Math.ceil((due - Date.now()) / 1000)));
    tick();
    this.countdown = setInterval(tick, 1000);
    this.retry = again;
    this.retryTimer = setTimeout(() => {
      this.cancelRetry();
      again();
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
    }
    if (this.countdown !== null) {
      clearInterval(this.countdown);
    }
    this.retryTimer = null;
    this.countdown = null;
    this.retry = null;
  }

  private followEnded(reason: string, failed: boolean): void {
    this.currentPhase.set(failed ? 'failed' : 'ended');
    this.currentProblem.set(failed ? reason : null);
    this.sink.marker(failed ? 'error' : 'end', `Follow ${failed ? 'stopped' : 'ended'}: ${reason}`);
  }

  private async loadTail(
    targets: LogTarget[],
    tail: number,
    range: LogRange,
    generation: number,
  ): Promise<void> {
    this.currentPhase.set('loading');
    const results = await Promise.allSettled(
      targets.map((target) => this.api.logs(target, tail, range)),
    );
    if (generation !== this.generation) {
      return;
    }
    const labels = targets.length > 1 ? mergeLabels(targets) : null;
    const { lines, failures, truncated } = mergeTails(results, labels);
    this.cut.set(truncated);
    if (labels) {
      this.sink.containers(labels);
    }
    this.sink.lines(lines);
    for (const failure of failures) {
      this.sink.marker('error', `Could not load the logs: ${failure}`);
    }
    this.currentProblem.set(failures.length > 0 ? failures.join('; ') : null);
    this.currentPhase.set(failures.length === targets.length ? 'failed' : 'loaded');
  }
}

/** The `start` message of one container or of a merge: the history to send first, from `since`. */
export function startMessage(
  targets: LogTarget[],
  token: string,
  tail: number,
  since?: string,
): LogFollowStart {
  const ref = (t: LogTarget) => ({ source: t.source, hostId: t.hostId, container: t.id });
  const which = targets.length === 1 ? ref(targets[0]) : { containers: targets.map(ref) };
  return { type: 'start', token, ...which, tail, ...(since ? { since } : {}), timestamps: true };
}

/** One stream of a merge ended: the reason, prefixed with the container unless it is already. */
function streamEndText(container: string, reason: string): string {
  return reason.startsWith(`${container}:`) ? reason : `${container}: ${reason}`;
}

/**
 * The tails in `results` (one per target) as lines; with the `labels` of a merge, each line
 * names its container and the lines go in time order.
 */
function mergeTails(
  results: PromiseSettledResult<ContainerLogs>[],
  labels: string[] | null,
): MergedTails {
  const merged: MergedTails = { lines: [], failures: [], truncated: false };
  results.forEach((result, i) => {
    if (result.status === 'rejected') {
      merged.failures.push((labels ? `${labels[i]}: ` : '') + describeError(result.reason));
      return;
    }
    merged.truncated ||= result.value.truncated;
    for (const line of result.value.lines) {
      const at = line.timestamp ? Date.parse(line.timestamp) : 0;
      const container = labels?.[i];
      merged.lines.push({ t: line.timestamp, stream: line.stream, text: line.text, container, at });
    }
  });
  if (labels) {
    merged.lines.sort((a, b) => a.at - b.at);
  }
  return merged;
}
