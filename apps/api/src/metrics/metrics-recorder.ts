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
import { MetricsStore, type SampleRow } from './metrics.store';

/** What every source hands over after a collector round, an SSH sample or an agent report. */
export interface MetricsRound {
  source: SourceKind;
  hostId: string;
  /** When the figures were read, on the API's clock. */
  at: Date;
  containers: readonly { name: string; image: string; stats: ContainerStats | null }[];
}

/** Rounds are written together once per tick: one INSERT, whatever the number of sources. */
const FLUSH_INTERVAL_MS = 1_000;
/** A tick holds at most this many samples; past it (a database far behind) the rest is dropped. */
const MAX_PENDING_SAMPLES = 50_000;

interface PendingSample {
  key: string;
  source: SourceKind;
  hostId: string;
  container: string;
  image: string;
  t: number;
  stats: ContainerStats;
}

const seriesKey = (source: string, hostId: string, container: string): string =>
  JSON.stringify([source, hostId, container]);

/**
 * The one door of the metrics history: sources call `record`, which only queues, so history
 * never slows or fails a round, a report or a request. A failing database pauses recording with
 * one warning and one recovery line; what a failed tick held is dropped, so memory stays bound
 * to one tick.
 */
@Injectable()
export class MetricsRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(MetricsRecorder.name);
  private readonly seriesIds = new Map<string, { id: number; image: string }>();
  private pending: PendingSample[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private paused = false;
  private dropped = 0;

  constructor(
    private readonly store: MetricsStore,
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
    const t = Math.floor(round.at.getTime() / 1_000);
    for (const { name, image, stats } of round.containers) {
      if (!stats) {
        continue;
      }
      if (this.pending.length >= MAX_PENDING_SAMPLES) {
        this.dropped++;
        continue;
      }
      const key = seriesKey(round.source, round.hostId, name);
      this.pending.push({
        key,
        source: round.source,
        hostId: round.hostId,
        container: name,
        image,
        t,
        stats,
      });
    }
  }

  /** Writes what is queued; the next flush waits for this one. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  /** Drops the cached ids after series were deleted (pruning), so they are made again. */
  forgetSeries(): void {
    this.seriesIds.clear();
  }

  private async writePending(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) {
      return;
    }
    try {
      const rows: SampleRow[] = [];
      for (const sample of batch) {
        rows.push(toRow(await this.seriesId(sample), sample));
      }
      await this.store.insertSamples(rows);
      this.resumed();
    } catch (error) {
      this.pause(error, batch.length);
    }
  }

  private async seriesId(sample: PendingSample): Promise<number> {
    const cached = this.seriesIds.get(sample.key);
    if (cached && cached.image === sample.image) {
      return cached.id;
    }
    const id = await this.store.ensureSeries(sample, sample.image);
    this.seriesIds.set(sample.key, { id, image: sample.image });
    return id;
  }

  private pause(error: unknown, lost: number): void {
    this.seriesIds.clear(); // the database may have been restored meanwhile
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

function toRow(seriesId: number, { t, stats }: PendingSample): SampleRow {
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
