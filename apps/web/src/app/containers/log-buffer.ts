import { type AnsiSegment, parseAnsi } from './ansi';
import type { LineMatcher } from './log-search';

/** The most lines (and marker rows) the viewer keeps; past it the oldest go. */
export const LOG_BUFFER_CAP = 100_000;

/** How many container colours a merged view cycles through (log-viewer.scss: .c0 … .c9). */
export const CONTAINER_COLOURS = 10;

export type StreamFilter = 'all' | 'stdout' | 'stderr';

/** A line as the socket or the REST tail hands it over. */
export interface IncomingLine {
  t: string | null;
  stream: 'stdout' | 'stderr';
  text: string;
  container?: string;
}

export interface LogLineEntry {
  kind: 'line';
  /** Increases with every entry: order, identity for the virtual scroll, eviction bound. */
  id: number;
  t: string | null;
  /** `t` in local time for display, formatted once. */
  time: string;
  stream: 'stdout' | 'stderr';
  container: string | null;
  colour: number;
  segments: AnsiSegment[];
  plain: string;
  lower: string;
}

export type MarkerTone = 'dropped' | 'end' | 'error';

/** A row that is not a line: lines dropped by the server, a stream that ended, a failure. */
export interface LogMarkerEntry {
  kind: 'marker';
  id: number;
  tone: MarkerTone;
  text: string;
}

export type LogEntry = LogLineEntry | LogMarkerEntry;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-12-07 10:00:00.123` in local time, or '' for a missing or unreadable time. */
export function formatLogTime(t: string | null): string {
  if (!t) {
    return '';
  }
  const date = new Date(t);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
    pad(date.getMilliseconds(), 3)
  );
}

/**
 * The viewer's lines, kept cheap for 100,000 of them: each line is parsed once on arrival (ANSI
 * segments, plain and lowercase text, display time, colour), and every later change (a batch,
 * the stream filter, a search) touches only what it must. `visible` is the filtered list the
 * virtual scroll reads; it is mutated in place (the viewer re-emits the same array).
 */
export class LogBuffer {
  private all: LogEntry[] = [];
  private nextId = 1;
  private streams: StreamFilter = 'all';
  private matcher: LineMatcher | null = null;
  private readonly colours = new Map<string, number>();
  private visibleMarkers = 0;

  /** The rows that pass the stream filter (markers always do), oldest first. */
  readonly visible: LogEntry[] = [];
  /** Ids of the visible lines the search matches, oldest first. */
  readonly matches: number[] = [];
  /** How many entries the cap has evicted since the last clear. */
  evicted = 0;

  constructor(readonly cap = LOG_BUFFER_CAP) {}

  get size(): number {
    return this.all.length;
  }

  /** Visible rows that are lines (not markers). */
  get lineCount(): number {
    return this.visible.length - this.visibleMarkers;
  }

  get filter(): StreamFilter {
    return this.streams;
  }

  /** Fixes the colour order of a merged view (the `ready` frame lists its containers). */
  assignColours(containers: readonly string[]): void {
    for (const container of containers) {
      this.colourOf(container);
    }
  }

  colourOf(container: string): number {
    let colour = this.colours.get(container);
    if (colour === undefined) {
      colour = this.colours.size % CONTAINER_COLOURS;
      this.colours.set(container, colour);
    }
    return colour;
  }

  /**
   * Adds lines at the end. Returns how many visible rows the cap removed from the front, so
   * that a paused view can keep its place.
   */
  append(lines: readonly IncomingLine[]): number {
    for (const line of lines) {
      const segments = parseAnsi(line.text);
      let plain = '';
      for (const segment of segments) {
        plain += segment.text;
      }
      this.push({
        kind: 'line',
        id: this.nextId++,
        t: line.t,
        time: formatLogTime(line.t),
        stream: line.stream,
        container: line.container ?? null,
        colour: line.container === undefined ? -1 : this.colourOf(line.container),
        segments,
        plain,
        lower: plain.toLowerCase(),
      });
    }
    return this.enforceCap();
  }

  mark(tone: MarkerTone, text: string): number {
    this.push({ kind: 'marker', id: this.nextId++, tone, text });
    return this.enforceCap();
  }

  clear(): void {
    this.all = [];
    this.visible.length = 0;
    this.visibleMarkers = 0;
    this.matches.length = 0;
    this.evicted = 0;
    this.colours.clear();
  }

  setFilter(streams: StreamFilter): void {
    this.streams = streams;
    this.visible.length = 0;
    for (const entry of this.all) {
      if (this.passes(entry)) {
        this.visible.push(entry);
      }
    }
    this.visibleMarkers = this.visible.filter((entry) => entry.kind === 'marker').length;
    this.rebuildMatches();
  }

  setMatcher(matcher: LineMatcher | null): void {
    this.matcher = matcher;
    this.rebuildMatches();
  }

  /** Where an entry is in `visible` (binary search on the ids), or -1. */
  indexOf(id: number): number {
    let low = 0;
    let high = this.visible.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const at = this.visible[mid].id;
      if (at === id) {
        return mid;
      }
      if (at < id) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return -1;
  }

  /** Every entry, or only the visible ones; markers included. */
  entries(filtered: boolean): readonly LogEntry[] {
    return filtered ? this.visible : this.all;
  }

  private push(entry: LogEntry): void {
    this.all.push(entry);
    if (this.passes(entry)) {
      this.visible.push(entry);
      if (entry.kind === 'marker') {
        this.visibleMarkers++;
      } else if (this.matcher?.test(entry)) {
        this.matches.push(entry.id);
      }
    }
  }

  private passes(entry: LogEntry): boolean {
    return entry.kind === 'marker' || this.streams === 'all' || entry.stream === this.streams;
  }

  private rebuildMatches(): void {
    this.matches.length = 0;
    const matcher = this.matcher;
    if (matcher) {
      for (const entry of this.visible) {
        if (entry.kind === 'line' && matcher.test(entry)) {
          this.matches.push(entry.id);
        }
      }
    }
  }

  /** Drops the oldest entries past the cap, once per batch (one splice, not one per line). */
  private enforceCap(): number {
    const excess = this.all.length - this.cap;
    if (excess <= 0) {
      return 0;
    }
    const lastGone = this.all[excess - 1].id;
    this.all.splice(0, excess);
    this.evicted += excess;
    const visibleGone = countUpTo(this.visible, (entry) => entry.id, lastGone);
    for (const entry of this.visible.splice(0, visibleGone)) {
      if (entry.kind === 'marker') {
        this.visibleMarkers--;
      }
    }
    this.matches.splice(
      0,
      countUpTo(this.matches, (id) => id, lastGone),
    );
    return visibleGone;
  }
}

/** How many leading items have a key at most `bound` (the keys increase). */
function countUpTo<T>(items: readonly T[], key: (item: T) => number, bound: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (key(items[mid]) <= bound) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

/** The lines as a `.log` file: plain text (no escapes), one line each, markers as comments. */
export function logFileText(
  entries: readonly LogEntry[],
  options: { timestamps: boolean },
): string {
  let text = '';
  for (const entry of entries) {
    if (entry.kind === 'marker') {
      text += `--- ${entry.text} ---\n`;
      continue;
    }
    const time = options.timestamps && entry.t ? `${entry.t} ` : '';
    const container = entry.container === null ? '' : `[${entry.container}] `;
    text += `${time}${container}${entry.plain}\n`;
  }
  return text;
}
