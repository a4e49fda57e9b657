import type { CdkVirtualScrollViewport } from '@angular/cdk/scrolling';
import { type Signal, signal } from '@angular/core';
import { ROW_HEIGHT, type LogRowLayout } from './log-wrap';

export { ROW_HEIGHT };

/** For this long after the viewer scrolls, scroll events are its own, not the operator's. */
const OWN_SCROLL_MS = 200;
/** The same after asking to stick to the end: the render that scrolls comes a little later. */
const OWN_STICK_MS = 300;

/**
 * Scroll-lock of the log viewport: it sticks to the latest line until the operator scrolls up
 * (or goes to a search match); scrolling back to the bottom, or resume(), sticks it again.
 */
export class LogScroll {
  private readonly isLocked = signal(false);
  private readonly unseenLines = signal(0);
  private endPending = false;
  private lastTop = 0;
  private ownScrollUntil = 0;

  /** Auto-scroll is paused; the lines keep coming. */
  readonly locked = this.isLocked.asReadonly();
  /** The lines that arrived while paused. */
  readonly unseen = this.unseenLines.asReadonly();

  constructor(
    private readonly viewport: Signal<CdkVirtualScrollViewport>,
    private readonly layout: Pick<LogRowLayout, 'offsetOf' | 'total'>,
  ) {}

  /** A new feed begins: follow its end, nothing unseen. */
  reset(): void {
    this.isLocked.set(false);
    this.unseenLines.set(0);
  }

  pause(): void {
    this.isLocked.set(true);
  }

  /** Jumps to the latest line and follows it again. */
  resume(): void {
    this.reset();
    this.stickToEnd();
  }

  /** The rows changed (another stream filter): unless paused, go on showing the end. */
  stickToEndUnlessLocked(): void {
    if (!this.isLocked()) {
      this.stickToEnd();
    }
  }

  /**
   * `added` lines came in and the cap dropped rows `removedPx` tall from the top (their height
   * before the layout was updated).
   */
  afterAppend(removedPx: number, added: number): void {
    if (!this.isLocked()) {
      this.stickToEnd();
      return;
    }
    this.unseenLines.update((n) => n + added);
    if (removedPx > 0) {
      // The rows above moved up by what the cap dropped: keep the operator's lines in place.
      this.scrollBy(-removedPx);
    }
  }

  /**
   * Scrolls the row at `index` into the middle of the view, which pauses auto-scroll; unless
   * `always`, only when it is not on screen already.
   */
  reveal(index: number, always: boolean): void {
    const viewport = this.viewport();
    const top = viewport.measureScrollOffset('top');
    const height = viewport.getViewportSize();
    const y = this.layout.offsetOf(index);
    const rowHeight = this.layout.offsetOf(index + 1) - y;
    if (!always && y >= top && y + rowHeight <= top + height) {
      return;
    }
    this.isLocked.set(true);
    this.endPending = false;
    this.scrollingItselfFor(OWN_SCROLL_MS);
    viewport.scrollToOffset(Math.max(0, y - height / 2 + Math.min(rowHeight, height) / 2));
  }

  /** After a render: once the spacer has grown to every row, scroll to the last one. */
  scrollToEndIfPending(): void {
    if (!this.endPending) {
      return;
    }
    const element = this.viewport().getElementRef().nativeElement;
    if (element.scrollHeight + 1 < this.layout.total) {
      return;
    }
    this.endPending = false;
    this.scrollingItselfFor(OWN_SCROLL_MS);
    element.scrollTop = element.scrollHeight;
    this.lastTop = element.scrollTop;
  }

  /** On every scroll: scrolling up pauses auto-scroll; scrolling back to the bottom resumes it. */
  trackScroll(): void {
    const viewport = this.viewport();
    const top = viewport.measureScrollOffset('top');
    const fromBottom = viewport.measureScrollOffset('bottom');
    const byUser = performance.now() > this.ownScrollUntil;
    if (byUser && this.isLocked() && fromBottom < ROW_HEIGHT / 2 && top > this.lastTop) {
      this.reset();
    } else if (byUser && !this.isLocked() && top < this.lastTop - 1) {
      this.pause();
    }
    this.lastTop = top;
  }

  private stickToEnd(): void {
    this.endPending = true;
    this.scrollingItselfFor(OWN_STICK_MS);
  }

  private scrollBy(delta: number): void {
    const viewport = this.viewport();
    this.scrollingItselfFor(OWN_SCROLL_MS);
    viewport.scrollToOffset(Math.max(0, viewport.measureScrollOffset('top') + delta));
  }

  private scrollingItselfFor(ms: number): void {
    this.ownScrollUntil = performance.now() + ms;
  }
}
