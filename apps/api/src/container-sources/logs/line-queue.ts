import type { LogFollowLine } from '@archnest/contracts';

export interface LineQueueLimits {
  maxLines: number;
  /** Text (UTF-16 code units, as held in memory) of the waiting lines. */
  maxChars: number;
}

/**
 * The lines waiting for a slow socket, bounded: past either limit the oldest waiting lines are
 * dropped and counted, so the view stays current and memory stays flat. `take` hands out the
 * oldest lines first together with what was dropped before them.
 */
export class LineQueue {
  private lines: LogFollowLine[] = [];
  private head = 0;
  private chars = 0;
  private droppedSinceTake = 0;
  private pushedTotal = 0;
  private leftTotal = 0;

  constructor(private readonly limits: LineQueueLimits) {}

  get size(): number {
    return this.lines.length - this.head;
  }

  /** Every line ever pushed; a mark for `hasPassed`. */
  get pushed(): number {
    return this.pushedTotal;
  }

  /** Whether the first `count` lines pushed have all left the queue, taken or dropped. */
  hasPassed(count: number): boolean {
    return this.leftTotal >= count;
  }

  push(line: LogFollowLine): void {
    this.lines.push(line);
    this.pushedTotal += 1;
    this.chars += line.text.length;
    while (this.size > this.limits.maxLines || this.chars > this.limits.maxChars) {
      this.chars -= this.lines[this.head].text.length;
      this.head += 1;
      this.droppedSinceTake += 1;
      this.leftTotal += 1;
    }
    this.compact();
  }

  /** Puts the waiting lines in time order (a merged view's tails, before the first frame). */
  sortWaiting(): void {
    this.lines = inTimeOrder(this.lines.slice(this.head));
    this.head = 0;
  }

  /** Up to `max` oldest lines, and how many were dropped since the last take. */
  take(max: number): { dropped: number; lines: LogFollowLine[] } {
    const lines = this.lines.slice(this.head, this.head + max);
    this.head += lines.length;
    this.leftTotal += lines.length;
    lines.forEach((line) => (this.chars -= line.text.length));
    const dropped = this.droppedSinceTake;
    this.droppedSinceTake = 0;
    this.compact();
    return { dropped, lines };
  }

  /** Drops the consumed front once it is half the array (amortized O(1) per line). */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }
}

/** Docker's fixed-width RFC 3339 times sort as strings; the sort is stable for equal times. */
export function inTimeOrder(lines: LogFollowLine[]): LogFollowLine[] {
  return lines.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
}
