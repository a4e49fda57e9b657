import { DOCUMENT, inject, signal } from '@angular/core';
import type { ContainerLogs, LogFollowStart } from '@archnest/contracts';
import { Auth } from '../auth/auth';
import { describeError } from '../common/http-error';
import { SOCKET_FACTORY } from './exec-session';
import { ContainersApi } from './containers-api';
import type { IncomingLine, MarkerTone } from './log-buffer';
import { LogFollowSession, logFollowUrl } from './log-follow-session';
import { formatCount } from './log-status';
import { type LogTarget, mergeLabels } from './log-targets';

export type LogPhase = 'loading' | 'connecting' | 'following' | 'ended' | 'failed' | 'loaded';

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
  private session: LogFollowSession | null = null;
  private generation = 0;

  readonly phase = this.currentPhase.asReadonly();
  /** Why the follow stopped, or which tails could not be loaded. */
  readonly problem = this.currentProblem.asReadonly();
  /** A source cut its output at its size limit. */
  readonly truncated = this.cut.asReadonly();

  constructor(private readonly sink: LogFeedSink) {}

  start(targets: LogTarget[], follow: boolean, tail: number): void {
    this.stop();
    const generation = ++this.generation;
    this.sink.reset();
    this.currentProblem.set(null);
    this.cut.set(false);
    if (follow) {
      this.follow(targets, tail, generation);
    } else {
      void this.loadTail(targets, tail, generation);
    }
  }

  stop(): void {
    this.session?.close();
    this.session = null;
  }

  private follow(targets: LogTarget[], tail: number, generation: number): void {
    this.currentPhase.set('connecting');
    /** A handler that ignores what a superseded follow still delivers. */
    const ifCurrent =
      <A extends unknown[]>(handle: (...args: A) => void) =>
      (...args: A): void => {
        if (generation === this.generation) {
          handle(...args);
        }
      };
    this.session = new LogFollowSession(
      this.openSocket(logFollowUrl(this.document.location)),
      startMessage(targets, this.auth.token() ?? '', tail),
      {
        ready: ifCurrent((containers: string[]) => {
          this.sink.containers(containers);
          this.currentPhase.set('following');
        }),
        lines: ifCurrent((lines: readonly IncomingLine[]) => this.sink.lines(lines)),
        dropped: ifCurrent((n: number) =>
          this.sink.marker(
            'dropped',
            `${formatCount(n)} lines dropped: the console read too slowly`,
          ),
        ),
        streamEnded: ifCurrent((container: string, reason: string) =>
          this.sink.marker('end', streamEndText(container, reason)),
        ),
        ended: ifCurrent((reason: string, failed: boolean) => this.followEnded(reason, failed)),
      },
    );
  }

  private followEnded(reason: string, failed: boolean): void {
    this.session = null;
    this.currentPhase.set(failed ? 'failed' : 'ended');
    this.currentProblem.set(failed ? reason : null);
    this.sink.marker(failed ? 'error' : 'end', `Follow ${failed ? 'stopped' : 'ended'}: ${reason}`);
  }

  private async loadTail(targets: LogTarget[], tail: number, generation: number): Promise<void> {
    this.currentPhase.set('loading');
    const results = await Promise.allSettled(targets.map((target) => this.api.logs(target, tail)));
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

/** The `start` message of one container or of a merge, with the history to send first. */
function startMessage(targets: LogTarget[], token: string, tail: number): LogFollowStart {
  const ref = (t: LogTarget) => ({ source: t.source, hostId: t.hostId, container: t.id });
  const which = targets.length === 1 ? ref(targets[0]) : { containers: targets.map(ref) };
  return { type: 'start', token, ...which, tail, timestamps: true };
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
