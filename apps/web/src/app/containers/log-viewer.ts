import { CdkVirtualScrollViewport, ScrollingModule } from '@angular/cdk/scrolling';
import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  afterEveryRender,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTooltipModule } from '@angular/material/tooltip';
import { LOG_TAIL_DEFAULT, LOG_TAIL_MAX, type LogFollowStart } from '@archnest/contracts';
import { BehaviorSubject } from 'rxjs';
import { Auth } from '../auth/auth';
import { describeError } from '../common/http-error';
import { registerIcons } from '../shell/icons';
import { SOCKET_FACTORY } from './exec-session';
import { ContainersApi } from './containers-api';
import {
  type IncomingLine,
  LogBuffer,
  type LogEntry,
  type MarkerTone,
  type StreamFilter,
  logFileText,
} from './log-buffer';
import { LogFollowSession, logFollowUrl } from './log-follow-session';
import { LogHighlight } from './log-highlight';
import { compileSearch } from './log-search';
import { type LogTarget, mergeLabels } from './log-targets';

export const TAIL_OPTIONS = [50, LOG_TAIL_DEFAULT, 1000, LOG_TAIL_MAX];
/** Every row is this tall (log-viewer.scss): the virtual scroll's fixed item size. */
export const ROW_HEIGHT = 20;

type Phase = 'loading' | 'connecting' | 'following' | 'ended' | 'failed' | 'loaded';

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The logs of one container or several merged: the REST tail, or a live follow over the
 * WebSocket (docs/logs-protocol.md), in a virtual scroll of fixed-height rows.
 */
@Component({
  selector: 'app-log-viewer',
  imports: [
    LogHighlight,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatTooltipModule,
    ScrollingModule,
  ],
  templateUrl: './log-viewer.html',
  styleUrl: './log-viewer.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LogViewer {
  private readonly api = inject(ContainersApi);
  private readonly auth = inject(Auth);
  private readonly document = inject(DOCUMENT);
  private readonly openSocket = inject(SOCKET_FACTORY);
  private readonly destroyRef = inject(DestroyRef);
  private readonly viewport = viewChild.required(CdkVirtualScrollViewport);
  private readonly buffer = new LogBuffer();
  private session: LogFollowSession | null = null;
  private generation = 0;
  private endPending = false;
  private lastTop = 0;
  private programmaticUntil = 0;
  /** Bumped on every change of the buffer; what reads the buffer in a computed() tracks it. */
  private readonly version = signal(0);

  readonly targets = input.required<LogTarget[]>();
  /** The accessible name of the log region. */
  readonly label = input.required<string>();
  /** The download is named `<fileName>-<time>.log`. */
  readonly fileName = input('logs');

  protected readonly rowHeight = ROW_HEIGHT;
  protected readonly tailOptions = TAIL_OPTIONS;
  protected readonly rows$ = new BehaviorSubject<LogEntry[]>(this.buffer.visible);
  protected readonly follow = signal(true);
  protected readonly tail = signal(LOG_TAIL_DEFAULT);
  protected readonly streams = signal<StreamFilter>('all');
  protected readonly showTimestamps = signal(true);
  protected readonly query = signal('');
  protected readonly regex = signal(false);
  protected readonly locked = signal(false);
  protected readonly unseen = signal(0);
  protected readonly phase = signal<Phase>('loading');
  protected readonly problem = signal<string | null>(null);
  protected readonly truncated = signal(false);
  protected readonly announcement = signal('');
  private readonly currentMatchId = signal<number | null>(null);

  protected readonly merged = computed(() => this.targets().length > 1);
  private readonly search = computed(() => compileSearch(this.query(), this.regex()));
  protected readonly matcher = computed(() => this.search().matcher);
  protected readonly searchError = computed(() => this.search().error);
  protected readonly lineCount = computed(() => (this.version(), this.buffer.lineCount));
  protected readonly rowCount = computed(() => (this.version(), this.buffer.visible.length));
  protected readonly matchCount = computed(() => (this.version(), this.buffer.matches.length));
  /** The current match's place (0-based) among the matches, or -1. */
  protected readonly matchIndex = computed(() => {
    this.version();
    const id = this.currentMatchId();
    return id === null ? -1 : sortedIndexOf(this.buffer.matches, id);
  });
  protected readonly currentId = computed(() =>
    this.matchIndex() < 0 ? null : this.currentMatchId(),
  );
  protected readonly evicted = computed(() => (this.version(), this.buffer.evicted));
  protected readonly downloadHint = computed(() => {
    const lines = count(this.lineCount());
    const filter = this.streams();
    return filter === 'all'
      ? `Download all ${lines} loaded lines as plain text`
      : `Download the ${lines} ${filter} lines shown (filtered: ${filter} only) as plain text`;
  });
  protected readonly matchText = computed(() => {
    const total = this.matchCount();
    const at = this.matchIndex();
    if (this.matcher() === null) {
      return '';
    }
    if (total === 0) {
      return 'No matches';
    }
    return at < 0 ? `${count(total)} matches` : `${count(at + 1)} of ${count(total)}`;
  });
  protected readonly statusText = computed(() => {
    const lines = this.lineCount();
    const counted = `${count(lines)} ${lines === 1 ? 'line' : 'lines'}`;
    const evicted = this.evicted() > 0 ? ' (the oldest are dropped past 100,000)' : '';
    const n = this.targets().length;
    switch (this.phase()) {
      case 'loading':
        return `Loading the last ${this.tail()} lines…`;
      case 'connecting':
        return 'Connecting…';
      case 'following':
        return `Following${n > 1 ? ` ${n} containers` : ''} · ${counted}${evicted}`;
      case 'ended':
        return `Follow ended · ${counted}${evicted}`;
      case 'failed':
        return `Stopped · ${counted}${evicted}`;
      case 'loaded':
        return `Last ${this.tail()} lines${n > 1 ? ' of each container' : ''} · ${counted}`;
    }
  });
  private readonly targetKey = computed(() =>
    this.targets()
      .map((t) => `${t.source}/${t.hostId}/${t.id}`)
      .join('|'),
  );

  constructor() {
    registerIcons();
    effect(() => {
      this.targetKey();
      const follow = this.follow();
      const tail = this.tail();
      untracked(() => this.start(follow, tail));
    });
    effect(() => {
      const streams = this.streams();
      untracked(() => {
        this.buffer.setFilter(streams);
        this.refreshMatch();
        this.changed();
        if (!this.locked()) {
          this.stickToEnd();
        }
      });
    });
    effect(() => {
      const matcher = this.matcher();
      untracked(() => {
        this.buffer.setMatcher(matcher);
        this.currentMatchId.set(this.buffer.matches.at(-1) ?? null);
        this.changed();
        this.revealCurrent(false);
      });
    });
    afterEveryRender({ write: () => this.scrollToEndIfPending() });
    afterNextRender(() => {
      const scrolled = this.viewport()
        .elementScrolled()
        .subscribe(() => this.trackScroll());
      this.destroyRef.onDestroy(() => scrolled.unsubscribe());
    });
    this.destroyRef.onDestroy(() => this.stop());
  }

  protected readonly trackById = (_index: number, entry: LogEntry): number => entry.id;

  protected restart(): void {
    this.start(this.follow(), this.tail());
  }

  /** Pauses auto-scroll (the lines keep coming), or jumps to the latest line and resumes. */
  protected togglePause(): void {
    if (this.locked()) {
      this.locked.set(false);
      this.unseen.set(0);
      this.stickToEnd();
    } else {
      this.locked.set(true);
    }
  }

  protected nextMatch(step: 1 | -1): void {
    const matches = this.buffer.matches;
    if (matches.length === 0) {
      return;
    }
    const at = this.matchIndex();
    const next = at < 0 ? (step > 0 ? 0 : matches.length - 1) : at + step;
    this.currentMatchId.set(matches[(next + matches.length) % matches.length]);
    this.revealCurrent(true);
  }

  protected downloadLogs(): void {
    const text = logFileText(this.buffer.entries(this.streams() !== 'all'), {
      timestamps: this.showTimestamps(),
    });
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const link = this.document.createElement('a');
    link.href = url;
    link.download = `${this.fileName()}-${fileStamp(new Date())}.log`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private start(follow: boolean, tail: number): void {
    this.stop();
    const generation = ++this.generation;
    this.buffer.clear();
    this.locked.set(false);
    this.unseen.set(0);
    this.problem.set(null);
    this.truncated.set(false);
    this.currentMatchId.set(null);
    this.changed();
    const targets = untracked(this.targets);
    if (follow) {
      this.startFollow(targets, tail, generation);
    } else {
      void this.loadTail(targets, tail, generation);
    }
  }

  private stop(): void {
    this.session?.close();
    this.session = null;
  }

  private startFollow(targets: LogTarget[], tail: number, generation: number): void {
    const [first] = targets;
    const start: LogFollowStart =
      targets.length === 1
        ? {
            type: 'start',
            token: '',
            source: first.source,
            hostId: first.hostId,
            container: first.id,
          }
        : {
            type: 'start',
            token: '',
            containers: targets.map((t) => ({
              source: t.source,
              hostId: t.hostId,
              container: t.id,
            })),
          };
    this.phase.set('connecting');
    const live = () => generation === this.generation;
    this.session = new LogFollowSession(
      this.openSocket(logFollowUrl(this.document.location)),
      { ...start, token: this.auth.token() ?? '', tail, timestamps: true },
      {
        ready: (containers) => {
          if (live()) {
            this.buffer.assignColours(containers);
            this.phase.set('following');
          }
        },
        lines: (lines) => {
          if (live()) {
            this.add(lines);
          }
        },
        dropped: (n) => {
          if (live()) {
            this.addMarker('dropped', `${count(n)} lines dropped: the console read too slowly`);
          }
        },
        streamEnded: (container, reason) => {
          if (live()) {
            const text = reason.startsWith(`${container}:`) ? reason : `${container}: ${reason}`;
            this.addMarker('end', text);
          }
        },
        ended: (reason, failed) => {
          if (!live()) {
            return;
          }
          this.session = null;
          this.phase.set(failed ? 'failed' : 'ended');
          this.problem.set(failed ? reason : null);
          this.addMarker(
            failed ? 'error' : 'end',
            `Follow ${failed ? 'stopped' : 'ended'}: ${reason}`,
          );
        },
      },
    );
  }

  private async loadTail(targets: LogTarget[], tail: number, generation: number): Promise<void> {
    this.phase.set('loading');
    const results = await Promise.allSettled(targets.map((target) => this.api.logs(target, tail)));
    if (generation !== this.generation) {
      return;
    }
    const labels = targets.length > 1 ? mergeLabels(targets) : null;
    const lines: (IncomingLine & { at: number })[] = [];
    const failures: string[] = [];
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        failures.push((labels ? `${labels[i]}: ` : '') + describeError(result.reason));
        return;
      }
      this.truncated.update((cut) => cut || result.value.truncated);
      for (const line of result.value.lines) {
        const at = line.timestamp ? Date.parse(line.timestamp) : 0;
        const container = labels?.[i];
        lines.push({ t: line.timestamp, stream: line.stream, text: line.text, container, at });
      }
    });
    if (labels) {
      this.buffer.assignColours(labels);
      lines.sort((a, b) => a.at - b.at);
    }
    this.add(lines);
    for (const failure of failures) {
      this.addMarker('error', `Could not load the logs: ${failure}`);
    }
    this.problem.set(failures.length > 0 ? failures.join('; ') : null);
    this.phase.set(failures.length === targets.length ? 'failed' : 'loaded');
  }

  private add(lines: readonly IncomingLine[]): void {
    this.afterAppend(this.buffer.append(lines), lines.length);
  }

  private addMarker(tone: MarkerTone, text: string): void {
    this.announcement.set(text);
    this.afterAppend(this.buffer.mark(tone, text), 0);
  }

  private afterAppend(removedInFront: number, added: number): void {
    this.changed();
    if (!this.locked()) {
      this.stickToEnd();
    } else {
      this.unseen.update((n) => n + added);
      if (removedInFront > 0) {
        // The rows above moved up by what the cap dropped: keep the operator's lines in place.
        this.scrollBy(-removedInFront * ROW_HEIGHT);
      }
    }
  }

  private changed(): void {
    this.rows$.next(this.buffer.visible);
    this.version.update((v) => v + 1);
  }

  private refreshMatch(): void {
    if (sortedIndexOf(this.buffer.matches, this.currentMatchId() ?? -1) < 0) {
      this.currentMatchId.set(this.buffer.matches.at(-1) ?? null);
    }
  }

  /** Scrolls the current match into the middle of the view; that pauses auto-scroll. */
  private revealCurrent(always: boolean): void {
    const id = this.currentMatchId();
    const index = id === null ? -1 : this.buffer.indexOf(id);
    if (index < 0) {
      return;
    }
    const viewport = this.viewport();
    const top = viewport.measureScrollOffset('top');
    const height = viewport.getViewportSize();
    const y = index * ROW_HEIGHT;
    if (!always && y >= top && y + ROW_HEIGHT <= top + height) {
      return;
    }
    this.locked.set(true);
    this.endPending = false;
    this.programmaticUntil = performance.now() + 200;
    viewport.scrollToOffset(Math.max(0, y - height / 2 + ROW_HEIGHT / 2));
  }

  private stickToEnd(): void {
    this.endPending = true;
    this.programmaticUntil = performance.now() + 300;
  }

  /** After a render: once the spacer has grown to every row, scroll to the last one. */
  private scrollToEndIfPending(): void {
    if (!this.endPending) {
      return;
    }
    const element = this.viewport().getElementRef().nativeElement;
    if (element.scrollHeight + 1 < this.buffer.visible.length * ROW_HEIGHT) {
      return;
    }
    this.endPending = false;
    this.programmaticUntil = performance.now() + 200;
    element.scrollTop = element.scrollHeight;
    this.lastTop = element.scrollTop;
  }

  private scrollBy(delta: number): void {
    const viewport = this.viewport();
    this.programmaticUntil = performance.now() + 200;
    viewport.scrollToOffset(Math.max(0, viewport.measureScrollOffset('top') + delta));
  }

  /** Scrolling up pauses auto-scroll; scrolling back to the bottom resumes it. */
  private trackScroll(): void {
    const viewport = this.viewport();
    const top = viewport.measureScrollOffset('top');
    const fromBottom = viewport.measureScrollOffset('bottom');
    const byUser = performance.now() > this.programmaticUntil;
    if (byUser && this.locked() && fromBottom < ROW_HEIGHT / 2 && top > this.lastTop) {
      this.locked.set(false);
      this.unseen.set(0);
    } else if (byUser && !this.locked() && top < this.lastTop - 1) {
      this.locked.set(true);
    }
    this.lastTop = top;
  }
}

/** Where `id` is in an increasing list, or -1 (binary search: matches can be 100,000 long). */
function sortedIndexOf(ids: readonly number[], id: number): number {
  let low = 0;
  let high = ids.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (ids[mid] === id) {
      return mid;
    }
    if (ids[mid] < id) {
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return -1;
}

function fileStamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}
