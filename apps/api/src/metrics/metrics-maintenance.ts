import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { errorReason } from '../common/errors/error-reason';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsRecorder } from './metrics-recorder';
import { MetricsStore } from './metrics.store';
import { ROLLUP_TIERS, type RollupTier } from './metrics-window';
import { SamplingLeases } from './sampling-leases';

/** How often rollups are folded and old rows pruned. */
export const MAINTENANCE_INTERVAL_MS = 60_000;

/** Each rollup tier is folded from the next finer one. */
const FOLDED_FROM: Record<RollupTier, RollupTier | 'raw'> = { 60: 'raw', 900: 60, 3600: 900 };

/**
 * Every pass refolds at least this far back (seconds), so samples that arrive late (an agent
 * report delayed, or a clock behind) still reach the rollups; later than that, raw only.
 */
export const REFOLD_SECONDS: Record<RollupTier, number> = { 60: 900, 900: 1_800, 3600: 7_200 };

/**
 * Keeps the history bounded: folds finished buckets into the rollup tiers (refolding the last
 * one, which may have been partial or have received a late agent report) and deletes what is
 * older than each tier's retention. With several replicas one of them does it (a lease).
 */
@Injectable()
export class MetricsMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MetricsMaintenance.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private failing = false;
  /** The newest series id at the previous pass: only series older than that may be deleted. */
  private seriesBefore = 0;

  constructor(
    private readonly store: MetricsStore,
    private readonly recorder: MetricsRecorder,
    private readonly leases: SamplingLeases,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'metrics'>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), MAINTENANCE_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): Promise<void> {
    this.running = this.running.then(async () => {
      try {
        if (await this.leases.holds('metrics', 'maintenance', MAINTENANCE_INTERVAL_MS)) {
          await this.run(Math.floor(Date.now() / 1_000));
        }
        this.recovered();
      } catch (error) {
        this.failed(error);
      }
    });
    return this.running;
  }

  /** One pass at `now` (epoch seconds): fold every tier, then prune. */
  async run(now: number): Promise<void> {
    for (const tier of ROLLUP_TIERS) {
      await this.fold(tier, now);
    }
    const { retention } = this.config.metrics;
    const rollupsBefore = {
      60: now - retention[60],
      900: now - retention[900],
      3600: now - retention[3600],
    };
    // A series made since the previous pass may be about to get its first sample: kept.
    const { deleted, newestSeries } = await this.store.prune(
      now - retention.raw,
      rollupsBefore,
      this.seriesBefore,
    );
    this.seriesBefore = newestSeries;
    if (deleted > 0) {
      this.recorder.forgetSeries();
    }
  }

  private async fold(tier: RollupTier, now: number): Promise<void> {
    const below = FOLDED_FROM[tier];
    const newest = await this.store.newestRollup(tier);
    const start = newest ?? (await this.store.oldest(below));
    const end = Math.floor(now / tier) * tier;
    if (start === null) {
      return;
    }
    const from = Math.floor(Math.min(start, end - REFOLD_SECONDS[tier]) / tier) * tier;
    if (from < end) {
      await this.store.rollup(tier, below, from, end);
    }
  }

  private failed(error: unknown): void {
    if (!this.failing) {
      this.failing = true;
      this.logger.warn(`Metrics rollups and pruning paused: ${errorReason(error)}`);
    }
  }

  private recovered(): void {
    if (this.failing) {
      this.failing = false;
      this.logger.log('Metrics rollups and pruning running again');
    }
  }
}
