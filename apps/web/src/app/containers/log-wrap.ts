import type { CdkVirtualScrollViewport, VirtualScrollStrategy } from '@angular/cdk/scrolling';
import { Subject, distinctUntilChanged } from 'rxjs';
import type { LogEntry } from './log-buffer';

/** Every row is this tall unwrapped, and every visual line of a wrapped one (log-viewer.scss). */
export const ROW_HEIGHT = 20;

/** Where the viewer keeps the wrap preference (`on` / `off`; off when never set). */
export const WRAP_STORAGE_KEY = 'archnest.logs.wrap';

export function loadWrap(storage: Pick<Storage, 'getItem'> = localStorage): boolean {
  return storage.getItem(WRAP_STORAGE_KEY) === 'on';
}

export function saveWrap(on: boolean, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(WRAP_STORAGE_KEY, on ? 'on' : 'off');
}

/** The chip of a merged line: at most 16 characters, plus its padding and margin (~3). */
const CHIP_MAX_CHARS = 16;
const CHIP_EXTRA_CHARS = 3;
const TAB_CHARS = 8;

/** A character that a monospace font draws two cells wide (CJK, Hangul, fullwidth, emoji). */
const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\ud83c-\ud83e][\udc00-\udfff]/g;

const textCells = new WeakMap<LogEntry, number>();

/** How many monospace cells a line's text takes (once per entry: entries never change). */
function cellsOf(entry: LogEntry & { kind: 'line' }): number {
  let cells = textCells.get(entry);
  if (cells === undefined) {
    const text = entry.plain;
    let tabs = 0;
    for (let i = text.indexOf('\t'); i >= 0; i = text.indexOf('\t', i + 1)) {
      tabs++;
    }
    const wide = text.match(WIDE)?.length ?? 0;
    cells = text.length + tabs * (TAB_CHARS - 1) + wide;
    textCells.set(entry, cells);
  }
  return cells;
}

/** How many visual lines a row takes when wrapped at `columns` (a marker never wraps). */
export function visualLines(entry: LogEntry, columns: number, timestamps: boolean): number {
  if (entry.kind === 'marker' || columns <= 0) {
    return 1;
  }
  let cells = cellsOf(entry);
  if (timestamps && entry.time) {
    cells += entry.time.length + 1;
  }
  if (entry.container !== null) {
    cells += Math.min(entry.container.length, CHIP_MAX_CHARS) + CHIP_EXTRA_CHARS;
  }
  return Math.max(1, Math.ceil(cells / columns));
}

/**
 * The rows' heights and offsets. Unwrapped every row is ROW_HEIGHT (no array at all); wrapped, a
 * row is as many lines as its text needs at the viewport's width in monospace cells, computed
 * from the text (not measured in the DOM), so 100,000 rows cost one pass of arithmetic per batch.
 */
export class LogRowLayout {
  private wrap = false;
  private columns = 0;
  private timestamps = true;
  /** Wrapped: `offsets[i]` is the top of row i; `offsets[n]` the total. */
  private offsets: number[] = [0];
  private count = 0;

  get wrapped(): boolean {
    return this.wrap;
  }

  /** Recomputes for `rows` (wrapped at `columns` cells when `wrap`). */
  update(
    rows: readonly LogEntry[],
    options: { wrap: boolean; columns: number; timestamps: boolean },
  ): void {
    this.wrap = options.wrap;
    this.columns = options.columns;
    this.timestamps = options.timestamps;
    this.count = rows.length;
    if (!this.wrap) {
      this.offsets = [0];
      return;
    }
    const offsets = new Array<number>(rows.length + 1);
    let top = 0;
    for (let i = 0; i < rows.length; i++) {
      offsets[i] = top;
      top += ROW_HEIGHT * visualLines(rows[i], this.columns, this.timestamps);
    }
    offsets[rows.length] = top;
    this.offsets = offsets;
  }

  get size(): number {
    return this.count;
  }

  get total(): number {
    return this.offsetOf(this.count);
  }

  /** The top of row `index` (the total past the last one). */
  offsetOf(index: number): number {
    const i = Math.max(0, Math.min(index, this.count));
    return this.wrap ? this.offsets[i] : i * ROW_HEIGHT;
  }

  heightOf(index: number): number {
    return this.offsetOf(index + 1) - this.offsetOf(index);
  }

  /** The height of a row for the template (the same arithmetic, by entry). */
  heightOfEntry(entry: LogEntry): number {
    return this.wrap ? ROW_HEIGHT * visualLines(entry, this.columns, this.timestamps) : ROW_HEIGHT;
  }

  /** The row at offset `y` (binary search when wrapped). */
  indexAt(y: number): number {
    if (this.count === 0 || y <= 0) {
      return 0;
    }
    if (!this.wrap) {
      return Math.min(this.count - 1, Math.floor(y / ROW_HEIGHT));
    }
    let low = 0;
    let high = this.count - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.offsets[mid] <= y) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }
}

/** Rows rendered beyond the visible ones, above and below, in pixels. */
const BUFFER_PX = 600;

/**
 * The virtual scroll of the log: fixed or text-computed row heights (LogRowLayout), so that
 * wrapping keeps the scroll exact without measuring rows. Only the rows within BUFFER_PX of
 * the visible ones are rendered.
 */
export class LogScrollStrategy implements VirtualScrollStrategy {
  private readonly indexChange = new Subject<number>();
  private viewport: CdkVirtualScrollViewport | null = null;

  readonly scrolledIndexChange = this.indexChange.pipe(distinctUntilChanged());

  constructor(readonly layout: LogRowLayout) {}

  attach(viewport: CdkVirtualScrollViewport): void {
    this.viewport = viewport;
    this.refresh();
  }

  detach(): void {
    this.indexChange.complete();
    this.viewport = null;
  }

  onContentScrolled(): void {
    this.updateRange();
  }

  onDataLengthChanged(): void {
    this.refresh();
  }

  onContentRendered(): void {
    // Heights come from the layout, nothing to measure.
  }

  onRenderedOffsetChanged(): void {
    // The offset is set from the layout.
  }

  scrollToIndex(index: number, behavior: ScrollBehavior): void {
    this.viewport?.scrollToOffset(this.layout.offsetOf(index), behavior);
  }

  /** The layout changed (rows, wrap, width): new total size and rendered range. */
  refresh(): void {
    if (this.viewport) {
      this.viewport.setTotalContentSize(this.layout.total);
      this.updateRange();
    }
  }

  private updateRange(): void {
    const viewport = this.viewport;
    if (!viewport) {
      return;
    }
    const length = Math.min(viewport.getDataLength(), this.layout.size);
    const top = viewport.measureScrollOffset();
    const height = viewport.getViewportSize();
    const start = length === 0 ? 0 : this.layout.indexAt(top - BUFFER_PX);
    const end =
      length === 0 ? 0 : Math.min(length, this.layout.indexAt(top + height + BUFFER_PX) + 1);
    viewport.setRenderedRange({ start, end });
    viewport.setRenderedContentOffset(this.layout.offsetOf(start));
    this.indexChange.next(this.layout.indexAt(top));
  }
}
