import { engineTime } from '../docker-json/docker-status';
import type { EngineCpuStats, EngineStats } from '../docker-json/engine-types';
import type { SampleMemory } from './engine-operations';

/**
 * A previous sample makes a fair CPU window with a new one when it is this far apart. The least
 * is the gap of a cold request's two samples; the most covers the console's 10 s refresh of a
 * table (plus its queue), so a polling console stays on one engine call per row. CPU % is then
 * the average since the previous sample.
 */
export const CPU_WINDOW_MIN_MS = 500;
export const CPU_WINDOW_MAX_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * The last stats sample the API took of each container, so that a repeated stats request (the
 * console polls) computes CPU % against it with one engine call instead of taking two samples
 * a second apart. Per process, bounded, and only used for a window of 0.5-30 s.
 */
export class PreviousSamples {
  private readonly samples = new Map<string, EngineStats>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  /** The earlier CPU counters of the same container if they make a fair window, else null. */
  before(key: string, current: EngineStats): EngineCpuStats | null {
    const previous = this.samples.get(key);
    const [then, now] = [engineTime(previous?.read), engineTime(current.read)];
    if (!previous?.cpu_stats || !then || !now || previous.id !== current.id) {
      return null;
    }
    const windowMs = now.getTime() - then.getTime();
    const restarted =
      (current.cpu_stats?.cpu_usage?.total_usage ?? 0) <
      (previous.cpu_stats.cpu_usage?.total_usage ?? 0);
    if (restarted || windowMs < CPU_WINDOW_MIN_MS || windowMs > CPU_WINDOW_MAX_MS) {
      return null;
    }
    return previous.cpu_stats;
  }

  /** The memory of one container, as the sampler takes it. */
  of(key: string): SampleMemory {
    return {
      before: (current) => this.before(key, current),
      keep: (sample) => this.keep(key, sample),
    };
  }

  keep(key: string, sample: EngineStats): void {
    this.samples.delete(key); // re-inserted last, so the oldest entries go first
    this.samples.set(key, { id: sample.id, read: sample.read, cpu_stats: sample.cpu_stats });
    for (const oldest of this.samples.keys()) {
      if (this.samples.size <= this.maxEntries) {
        break;
      }
      this.samples.delete(oldest);
    }
  }
}
