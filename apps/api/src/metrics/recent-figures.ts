import { Injectable } from '@nestjs/common';

/** Windows longer than this are averaged in the database, never held in memory. */
export const RECENT_MAX_SECONDS = 900;
/** Samples are summed in buckets this long, so a fast sender costs no more than a slow one. */
const BUCKET_SECONDS = 5;
/** Fields of one bucket in a series' flat array. */
const START = 0;
const CPU_SUM = 1;
const CPU_COUNT = 2;
const MEM_SUM = 3;
const MEM_COUNT = 4;
const FIELDS = 5;
/** Buckets a series holds at most between two averages (a whole window, twice). */
const MAX_BUCKETS = (2 * RECENT_MAX_SECONDS) / BUCKET_SECONDS;

/** A container's average CPU and memory % over a window (null where nothing was read). */
export interface RecentAverage {
  cpu: number | null;
  mem: number | null;
}

/** Averages by host (`source\nhostId`), then by container name. */
export type RecentAverages = Map<string, Map<string, RecentAverage>>;

export const hostKeyOf = (source: string, hostId: string): string => `${source}\n${hostId}`;

/** Drops the buckets that end before `before` from the front of a series. */
function prune(buckets: number[], before: number): void {
  let drop = 0;
  while (drop < buckets.length && buckets[drop + START] + BUCKET_SECONDS <= before) {
    drop += FIELDS;
  }
  if (drop > 0) {
    buckets.splice(0, drop);
  }
}

const average = (sum: number, count: number): number | null => (count > 0 ? sum / count : null);

/**
 * The last minutes of CPU and memory % of every series, as the recorder of this process saw
 * them, summed in 5-second buckets: what the alerts' cpu-above / memory-above average without
 * reading the history (on SQLite, one connection: a range read per series of a large fleet
 * held ingest up for most of a second). Only the embedded database's single process sees every
 * sample, so only it asks; nothing is kept until someone asks for a window.
 */
@Injectable()
export class RecentFigures {
  /** Buckets by host, then container name. */
  private readonly hosts = new Map<string, Map<string, number[]>>();
  private keepSeconds = 0;

  /** Keeps `seconds` of samples from now on (0: none); at most RECENT_MAX_SECONDS. */
  retain(seconds: number): void {
    this.keepSeconds = Math.min(seconds, RECENT_MAX_SECONDS);
    if (this.keepSeconds === 0) {
      this.hosts.clear();
    }
  }

  /** Whether windows of `seconds` can be averaged here. */
  covers(seconds: number): boolean {
    return seconds <= this.keepSeconds;
  }

  add(
    source: string,
    hostId: string,
    container: string,
    t: number,
    cpu: number | null,
    memPercent: number | null,
  ): void {
    if (this.keepSeconds === 0) {
      return;
    }
    const key = hostKeyOf(source, hostId);
    let host = this.hosts.get(key);
    if (!host) {
      host = new Map();
      this.hosts.set(key, host);
    }
    let buckets = host.get(container);
    if (!buckets) {
      buckets = [];
      host.set(container, buckets);
    }
    const start = t - (t % BUCKET_SECONDS);
    const last = buckets.length - FIELDS;
    if (last < 0 || buckets[last + START] < start) {
      buckets.push(start, 0, 0, 0, 0);
    } else if (buckets[last + START] > start) {
      return; // older than what it holds: late, and the window has moved on
    }
    const at = buckets.length - FIELDS;
    if (cpu !== null) {
      buckets[at + CPU_SUM] += cpu;
      buckets[at + CPU_COUNT] += 1;
    }
    if (memPercent !== null) {
      buckets[at + MEM_SUM] += memPercent;
      buckets[at + MEM_COUNT] += 1;
    }
    if (buckets.length > FIELDS * MAX_BUCKETS) {
      prune(buckets, t - this.keepSeconds); // nobody averaged it for a long while
    }
  }

  /**
   * Each series' averages over the buckets since `since` (epoch seconds), for the series whose
   * buckets reach back to `coveredBy`; old buckets go on the way.
   */
  averages(since: number, coveredBy: number): RecentAverages {
    const result: RecentAverages = new Map();
    for (const [key, host] of this.hosts) {
      const averages = new Map<string, RecentAverage>();
      for (const [container, buckets] of host) {
        prune(buckets, since - this.keepSeconds);
        if (buckets.length === 0) {
          host.delete(container); // gone for longer than anything is kept
          continue;
        }
        const row = averageSince(buckets, since, coveredBy);
        if (row) {
          averages.set(container, row);
        }
      }
      if (host.size === 0) {
        this.hosts.delete(key);
      } else if (averages.size > 0) {
        result.set(key, averages);
      }
    }
    return result;
  }
}

function averageSince(buckets: number[], since: number, coveredBy: number): RecentAverage | null {
  let first = Infinity;
  const sums = [0, 0, 0, 0];
  for (let i = 0; i < buckets.length; i += FIELDS) {
    if (buckets[i + START] + BUCKET_SECONDS <= since) {
      continue;
    }
    first = Math.min(first, buckets[i + START]);
    for (let field = 0; field < 4; field++) {
      sums[field] += buckets[i + CPU_SUM + field];
    }
  }
  if (first === Infinity || first > coveredBy) {
    return null;
  }
  return { cpu: average(sums[0], sums[1]), mem: average(sums[2], sums[3]) };
}
