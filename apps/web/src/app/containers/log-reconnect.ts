import { LOG_FOLLOW_CLOSE, type LogFollowLine } from '@archnest/contracts';

/** Waits before the 1st, 2nd, 3rd … reconnect; the last one repeats (a successful `ready` resets). */
export const RECONNECT_DELAYS_MS = [1000, 2000, 5000, 10_000] as const;

/** The abnormal closure a browser reports when the connection drops without a close frame. */
export const ABNORMAL_CLOSURE = 1006;

/**
 * Whether a follow that closed with `code` was lost rather than over: the connection dropped
 * (1006), the server shut down (1001) or the source failed mid-stream (4502). Never after `end`
 * (1000), a refusal (4400, 4401, 4403, 4404, 4429 …) or an unexpected server error (1011).
 */
export function shouldReconnect(code: number): boolean {
  return (
    code === ABNORMAL_CLOSURE ||
    code === LOG_FOLLOW_CLOSE.goingAway ||
    code === LOG_FOLLOW_CLOSE.unreachable
  );
}

/** The wait before reconnect attempt `attempt` (0-based). */
export function reconnectDelay(attempt: number): number {
  return RECONNECT_DELAYS_MS[Math.min(Math.max(0, attempt), RECONNECT_DELAYS_MS.length - 1)];
}

/**
 * `t` as a key that sorts as the time does: Docker writes RFC 3339 with up to nine fraction
 * digits and drops trailing zeros (`…:00.1Z` is after `…:00.05Z`), so the fraction is padded.
 * A time not in UTC (`Z`) falls back to milliseconds.
 */
export function timeKey(t: string): string {
  const utc = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(t);
  if (utc) {
    return `${utc[1]}.${(utc[2] ?? '').padEnd(9, '0')}Z`;
  }
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? '' : timeKey(new Date(ms).toISOString());
}

/**
 * Where a lost follow resumes: the time of the latest line received, and the lines received at
 * exactly that time, so that the boundary lines a resumed follow sends again (`since` is
 * inclusive) are not shown twice.
 */
export class LogResumePoint {
  private lastKey = '';
  private last: string | null = null;
  private readonly atLast = new Set<string>();

  /** The `since` to resume with, or null while no line with a time has arrived. */
  get since(): string | null {
    return this.last;
  }

  clear(): void {
    this.lastKey = '';
    this.last = null;
    this.atLast.clear();
  }

  /** Notes lines as received. */
  record(lines: readonly LogFollowLine[]): void {
    for (const line of lines) {
      const key = line.t ? timeKey(line.t) : '';
      if (!key || key < this.lastKey) {
        continue;
      }
      if (key > this.lastKey) {
        this.lastKey = key;
        this.last = line.t;
        this.atLast.clear();
      }
      this.atLast.add(lineKey(line));
    }
  }

  /**
   * A filter for the lines of the follow that resumes from here: it drops what was received
   * before — lines older than the resume point, and those at exactly its time already seen
   * (`since` is inclusive, and an engine may round it down) — and passes everything else.
   */
  resumeFilter(): (lines: readonly LogFollowLine[]) => LogFollowLine[] {
    const boundary = this.lastKey;
    const seen = new Set(this.atLast);
    return (lines) =>
      lines.filter((line) => {
        const key = line.t ? timeKey(line.t) : '';
        if (!key || !boundary || key > boundary) {
          return true;
        }
        return key === boundary && !seen.has(lineKey(line));
      });
  }
}

function lineKey(line: LogFollowLine): string {
  return `${line.container ?? ''}\u0000${line.stream}\u0000${line.text}`;
}
