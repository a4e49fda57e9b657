import {
  CdkVirtualScrollViewport,
  ScrollingModule,
  VIRTUAL_SCROLL_STRATEGY,
} from '@angular/cdk/scrolling';
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
import { LOG_TAIL_DEFAULT, LOG_TAIL_MAX } from '@archnest/contracts';
import { BehaviorSubject } from 'rxjs';
import { registerIcons } from '../shell/icons';
import {
  type IncomingLine,
  LogBuffer,
  type LogEntry,
  type MarkerTone,
  type StreamFilter,
  logFileText,
} from './log-buffer';
import { downloadLog } from './log-download';
import { LogFeed } from './log-feed';
import { LogHighlight } from './log-highlight';
import { LogScroll } from './log-scroll';
import { type LineMatcher, compileSearch } from './log-search';
import { downloadHint, matchText, statusText } from './log-status';
import type { LogTarget } from './log-targets';
import {
  type LogWindow,
  NO_WINDOW,
  SINCE_OPTIONS,
  type SinceChoice,
  windowLabel,
  windowRange,
} from './log-window';
import { LogRowLayout, LogScrollStrategy, loadWrap, saveWrap } from './log-wrap';

/** Monospace cell width of the log font (13px Roboto Mono) when it cannot be measured. */
const FALLBACK_CELL_PX = 7.8;
/** A row's horizontal padding and the line's border and padding (log-viewer.scss). */
const ROW_CHROME_PX = 26;

export const TAIL_OPTIONS = [50, LOG_TAIL_DEFAULT, 1000, LOG_TAIL_MAX];

/**
 * The logs of one container or several merged: the REST tail, or a live follow over the
 * WebSocket (docs/logs-protocol.md), in a virtual scroll whose row heights are computed from
 * the text (log-wrap.ts: one line each, or wrapped). What fills the buffer is the feed
 * (log-feed.ts, with its reconnects); scroll-lock is log-scroll.ts; the texts, log-status.ts.
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
  providers: [
    {
      provide: VIRTUAL_SCROLL_STRATEGY,
      useFactory: () => new LogScrollStrategy(new LogRowLayout()),
    },
  ],
  templateUrl: './log-viewer.html',
  styleUrl: './log-viewer.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LogViewer {
  private readonly document = inject(DOCUMENT);
  private readonly destroyRef = inject(DestroyRef);
  private readonly viewport = viewChild.required(CdkVirtualScrollViewport);
  private readonly buffer = new LogBuffer();
  private readonly strategy = inject(VIRTUAL_SCROLL_STRATEGY) as LogScrollStrategy;
  protected readonly layout = this.strategy.layout;
  private readonly scroll = new LogScroll(this.viewport, this.layout);
  /** Monospace cells that fit on one line of the log (0 until measured). */
  private readonly columns = signal(0);
  private readonly feed = new LogFeed({
    reset: () => this.clear(),
    containers: (labels) => this.buffer.assignColours(labels),
    lines: (lines) => this.add(lines),
    marker: (tone, text) => this.addMarker(tone, text),
  });
  /** Bumped on every change of the buffer; what reads the buffer in a computed() tracks it. */
  private readonly version = signal(0);

  readonly targets = input.required<LogTarget[]>();
  /** The accessible name of the log region. */
  readonly label = input.required<string>();
  /** The download is named `<fileName>-<time>.log`. */
  readonly fileName = input('logs');

  protected readonly tailOptions = TAIL_OPTIONS;
  protected readonly sinceOptions = SINCE_OPTIONS;
  protected readonly rows$ = new BehaviorSubject<LogEntry[]>(this.buffer.visible);
  protected readonly follow = signal(true);
  protected readonly tail = signal(LOG_TAIL_DEFAULT);
  protected readonly streams = signal<StreamFilter>('all');
  protected readonly showTimestamps = signal(true);
  /** Long lines wrap (remembered in localStorage), or scroll horizontally. */
  protected readonly wrap = signal(loadWrap());
  /** The time window of the start: since (and until, REST only). */
  protected readonly window = signal<LogWindow>(NO_WINDOW);
  protected readonly windowLabel = computed(() => windowLabel(this.window()));
  /** Why the custom window cannot be used; nothing restarts while it is set. */
  protected readonly windowError = computed(() => windowRange(this.window(), this.follow()).error);
  protected readonly retryIn = this.feed.retryIn;
  /** What of the window changes the start: a custom window with no time is no window at all. */
  private readonly windowKey = computed(() => {
    const window = this.window();
    if (window.since !== 'custom') {
      return window.since === 'all' ? '{}' : window.since;
    }
    const { range, error } = windowRange(window, this.follow());
    return error ?? JSON.stringify(range);
  });
  protected readonly query = signal('');
  protected readonly regex = signal(false);
  protected readonly locked = this.scroll.locked;
  protected readonly unseen = this.scroll.unseen;
  protected readonly phase = this.feed.phase;
  protected readonly problem = this.feed.problem;
  protected readonly truncated = this.feed.truncated;
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
  protected readonly downloadHint = computed(() => downloadHint(this.lineCount(), this.streams()));
  protected readonly matchText = computed(() =>
    matchText(this.matcher() !== null, this.matchCount(), this.matchIndex()),
  );
  protected readonly statusText = computed(() =>
    statusText({
      phase: this.phase(),
      lines: this.lineCount(),
      evicted: this.evicted(),
      containers: this.targets().length,
      tail: this.tail(),
      retryIn: this.retryIn(),
      reconnects: this.feed.reconnects(),
    }),
  );
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
      this.windowKey();
      untracked(() => this.startFeed(follow, tail, this.window()));
    });
    effect(() => {
      const options = {
        wrap: this.wrap(),
        columns: this.columns(),
        timestamps: this.showTimestamps(),
      };
      untracked(() => {
        this.relayout(options);
        this.scroll.stickToEndUnlessLocked();
      });
    });
    effect(() => {
      const streams = this.streams();
      untracked(() => this.filterStreams(streams));
    });
    effect(() => {
      const matcher = this.matcher();
      untracked(() => this.searchFor(matcher));
    });
    afterEveryRender({ write: () => this.scroll.scrollToEndIfPending() });
    afterNextRender(() => {
      const scrolled = this.viewport()
        .elementScrolled()
        .subscribe(() => this.scroll.trackScroll());
      this.destroyRef.onDestroy(() => scrolled.unsubscribe());
      this.measureColumns();
      if (typeof ResizeObserver !== 'undefined') {
        const resized = new ResizeObserver(() => this.measureColumns());
        resized.observe(this.viewport().getElementRef().nativeElement);
        this.destroyRef.onDestroy(() => resized.disconnect());
      }
    });
    this.destroyRef.onDestroy(() => this.feed.stop());
  }

  protected readonly trackById = (_index: number, entry: LogEntry): number => entry.id;

  protected restart(): void {
    this.startFeed(this.follow(), this.tail(), this.window());
  }

  protected reconnectNow(): void {
    this.feed.reconnectNow();
  }

  protected toggleWrap(): void {
    const on = !this.wrap();
    this.wrap.set(on);
    saveWrap(on);
  }

  protected chooseSince(since: SinceChoice): void {
    this.window.update((w) => ({ ...w, since }));
  }

  /** A custom time typed (applied on Enter or leaving the field, not per keystroke). */
  protected setCustom(field: 'customSince' | 'customUntil', value: string): void {
    if (this.window()[field] !== value) {
      this.window.update((w) => ({ ...w, [field]: value }));
    }
  }

  /** Starts the feed for the window as of now (relative windows count back from this moment). */
  private startFeed(follow: boolean, tail: number, window: LogWindow): void {
    const { range, error } = windowRange(window, follow);
    if (error === null) {
      this.feed.start(this.targets(), follow, tail, range);
    }
  }

  /** How many monospace cells fit on a line: the viewport's width over the font's cell. */
  private measureColumns(): void {
    const element = this.viewport().getElementRef().nativeElement;
    const probe = element.querySelector<HTMLElement>('.measure');
    const cell = probe && probe.offsetWidth > 0 ? probe.offsetWidth / 10 : FALLBACK_CELL_PX;
    const width = element.clientWidth - ROW_CHROME_PX;
    this.columns.set(width > 0 ? Math.max(1, Math.floor(width / cell)) : 0);
  }

  private relayout(
    options = { wrap: this.wrap(), columns: this.columns(), timestamps: this.showTimestamps() },
  ): void {
    this.layout.update(this.buffer.visible, options);
    this.strategy.refresh();
  }

  /** Pauses auto-scroll (the lines keep coming), or jumps to the latest line and resumes. */
  protected togglePause(): void {
    if (this.locked()) {
      this.scroll.resume();
    } else {
      this.scroll.pause();
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
    downloadLog(this.document, this.fileName(), text);
  }

  /** A new feed begins: no lines, no scroll-lock, no current match. */
  private clear(): void {
    this.buffer.clear();
    this.scroll.reset();
    this.currentMatchId.set(null);
    this.changed();
  }

  private filterStreams(streams: StreamFilter): void {
    this.buffer.setFilter(streams);
    this.refreshMatch();
    this.changed();
    this.scroll.stickToEndUnlessLocked();
  }

  /** A new search: the latest match becomes the current one, scrolled to if off screen. */
  private searchFor(matcher: LineMatcher | null): void {
    this.buffer.setMatcher(matcher);
    this.currentMatchId.set(this.buffer.matches.at(-1) ?? null);
    this.changed();
    this.revealCurrent(false);
  }

  private add(lines: readonly IncomingLine[]): void {
    this.appended(this.buffer.append(lines), lines.length);
  }

  private addMarker(tone: MarkerTone, text: string): void {
    this.announcement.set(text);
    this.appended(this.buffer.mark(tone, text), 0);
  }

  private appended(removedInFront: number, added: number): void {
    // The removed rows' height is read before the layout forgets them.
    const removedPx = this.layout.offsetOf(removedInFront);
    this.changed();
    this.scroll.afterAppend(removedPx, added);
  }

  private changed(): void {
    this.rows$.next(this.buffer.visible);
    this.relayout();
    this.version.update((v) => v + 1);
  }

  /** The current match stays current while it is still a match; else the latest one is. */
  private refreshMatch(): void {
    if (sortedIndexOf(this.buffer.matches, this.currentMatchId() ?? -1) < 0) {
      this.currentMatchId.set(this.buffer.matches.at(-1) ?? null);
    }
  }

  /** Scrolls the current match into the middle of the view; that pauses auto-scroll. */
  private revealCurrent(always: boolean): void {
    const id = this.currentMatchId();
    const index = id === null ? -1 : this.buffer.indexOf(id);
    if (index >= 0) {
      this.scroll.reveal(index, always);
    }
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
