import type { ContainerStats, SourceKind } from '@archnest/contracts';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
} from '@nestjs/common';
import { errorReason } from '../common/errors/error-reason';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsStore, type SampleRow, type SeriesKey, seriesKey } from './metrics.store';
import { RecentFigures } from './recent-figures';

/** What every source hands over after a collector round, an SSH sample or an agent report. */
export interface MetricsRound {
  source: SourceKind;
  hostId: string;
  /** When the figures were read, on the API's clock. */
  at: Date;
  containers: readonly { name: string; image: string; stats: ContainerStats | null }[];
}

/** Rounds are written once per tick, in as few statements as whole rounds allow. */
const FLUSH_INTERVAL_MS = 1_000;
/** A tick holds at most this many samples; past it (a database far behind) the rest is dropped. */
const MAX_PENDING_SAMPLES = 50_000;
/**
 * Series ids are looked up again this often: a replica that did not prune would otherwise keep
 * writing to a series another one deleted (a container back after a year away).
 */
const SERIES_CACHE_MS = 600_000;
/** Rounds are joined into one INSERT up to about this many rows (a round is never split). */
const ROWS_PER_STATEMENT = 1_000;

/** A round as queued: its samples' time in epoch seconds, only the containers with stats. */
interface PendingRound {
  source: SourceKind;
  hostId: string;
  t: number;
  containers: { name: string; image: string; stats: ContainerStats }[];
}

type Cached = { id: number; image: string };

/** A host's series ids by container name; hosts by `source\nhostId`. */
const hostKey = (source: string, hostId: string): string => `${source}\n${hostId}`;

/**
 * The one door of the metrics history: sources call `record`, which only queues, so history
 * never slows or fails a round, a report or a request. Each tick writes every queued round,
 * each round in one statement (one transaction), several small rounds together. A failing
 * database pauses recording with one warning and one recovery line; what a failed tick held is
 * dropped, so memory stays bound to one tick.
 */
@Injectable()
export class MetricsRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(MetricsRecorder.name);
  /** Two levels, so a sample costs one lookup of its name in its host's few series. */
  private readonly seriesIds = new Map<string, Map<string, Cached>>();
  private seriesCachedAt = Date.now();
  private pending: PendingRound[] = [];
  private pendingSamples = 0;
  private flushing: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private paused = false;
  /** Samples were dropped this tick because the queue was full: not recovered yet. */
  private overflowed = false;
  private dropped = 0;

  constructor(
    private readonly store: MetricsStore,
    private readonly recent: RecentFigures,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'metrics'>,
  ) {}

  get enabled(): boolean {
    return this.config.metrics.history;
  }

  onModuleInit(): void {
    if (this.enabled) {
      this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
      this.timer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  record(round: MetricsRound): void {
    if (!this.enabled) {
      return;
    }
    // Only what is written is kept (not the report the caller parsed).
    const containers: PendingRound['containers'] = [];
    for (const { name, image, stats } of round.containers) {
      if (stats) {
        containers.push({ name, image, stats });
      }
    }
    if (containers.length === 0) {
      return;
    }
    const t = Math.floor(round.at.getTime() / 1_000);
    for (const { name, stats } of containers) {
      this.recent.add(round.source, round.hostId, name, t, stats.cpuPercent, memoryPercent(stats));
    }
    if (this.pendingSamples + containers.length > MAX_PENDING_SAMPLES) {
      this.overflowed = true;
      this.pause(
        new Error(`more than ${MAX_PENDING_SAMPLES} samples in one tick`),
        containers.length,
      );
      return;
    }
    this.pending.push({ source: round.source, hostId: round.hostId, t, containers });
    this.pendingSamples += containers.length;
  }

  /** Writes what is queued; the next flush waits for this one. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  /** Drops the cached ids after series were deleted (pruning), so they are made again. */
  forgetSeries(): void {
    this.seriesIds.clear();
    this.seriesCachedAt = Date.now();
  }

  private async writePending(): Promise<void> {
    const rounds = this.pending;
    const samples = this.pendingSamples;
    const overflowed = this.overflowed;
    this.pending = [];
    this.pendingSamples = 0;
    this.overflowed = false;
    if (rounds.length === 0) {
      return;
    }
    if (Date.now() - this.seriesCachedAt > SERIES_CACHE_MS) {
      this.forgetSeries();
    }
    try {
      await this.createSeries(rounds);
      let rows: SampleRow[] = [];
      for (const round of rounds) {
        this.rowsOf(round, rows);
        if (rows.length >= ROWS_PER_STATEMENT) {
          await this.store.insertSamples(rows);
          rows = [];
        }
      }
      await this.store.insertSamples(rows);
      if (!overflowed) {
        this.resumed();
      }
    } catch (error) {
      this.seriesIds.clear(); // the database may have been restored meanwhile
      this.pause(error, samples);
    }
  }

  private seriesOf(source: string, hostId: string): Map<string, Cached> {
    const key = hostKey(source, hostId);
    let series = this.seriesIds.get(key);
    if (!series) {
      series = new Map();
      this.seriesIds.set(key, series);
    }
    return series;
  }

  /** One upsert for every series the cache lacks (new, or its image changed). */
  private async createSeries(rounds: readonly PendingRound[]): Promise<void> {
    const missing = new Map<string, SeriesKey & { image: string }>();
    for (const { source, hostId, containers } of rounds) {
      const known = this.seriesOf(source, hostId);
      for (const { name, image } of containers) {
        if (known.get(name)?.image !== image) {
          const series = { source, hostId, container: name, image };
          missing.set(seriesKey(series), series);
        }
      }
    }
    if (missing.size === 0) {
      return;
    }
    const ids = await this.store.ensureSeries([...missing.values()]);
    for (const [key, series] of missing) {
      const id = ids.get(key);
      if (id !== undefined) {
        this.seriesOf(series.source, series.hostId).set(series.container, {
          id,
          image: series.image,
        });
      }
    }
  }

  private rowsOf({ source, hostId, t, containers }: PendingRound, rows: SampleRow[]): void {
    const known = this.seriesOf(source, hostId);
    for (const { name, stats } of containers) {
      const cached = known.get(name);
      if (cached) {
        rows.push(toRow(cached.id, t, stats));
      }
    }
  }

  private pause(error: unknown, lost: number): void {
    this.dropped += lost;
    if (!this.paused) {
      this.paused = true;
      this.logger.warn(`Metrics history paused, samples are dropped: ${errorReason(error)}`);
    }
  }

  private resumed(): void {
    if (this.paused) {
      this.paused = false;
      this.logger.log(`Metrics history recording again (${this.dropped} samples were dropped)`);
      this.dropped = 0;
    }
  }
}

function memoryPercent({ memUsage, memLimit }: ContainerStats): number | null {
  return memUsage !== null && memLimit !== null && memLimit > 0
    ? (100 * memUsage) / memLimit
    : null;
}

function toRow(seriesId: number, t: number, stats: ContainerStats): SampleRow {
  return {
    seriesId,
    t,
    cpu: stats.cpuPercent,
    mem: stats.memUsage,
    memLimit: stats.memLimit,
    netRx: stats.netRxBytes,
    netTx: stats.netTxBytes,
    blkR: stats.blockReadBytes,
    blkW: stats.blockWriteBytes,
  };
}
