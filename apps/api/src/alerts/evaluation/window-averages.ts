import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { type AverageRow, MetricsStore } from '../../metrics/metrics.store';
import { RecentFigures } from '../../metrics/recent-figures';
import {
  type Average,
  type Averages,
  type AveragesByWindow,
  type EvaluatedRule,
  hostKey,
} from './conditions';

/**
 * A window's averages are read again after a quarter of it (at most 30 s, at least a round):
 * a quarter of a window moves its average little, and the read costs one range per series.
 */
function maxAgeMs(windowSeconds: number, intervalMs: number): number {
  return Math.max(intervalMs, Math.min(30_000, (windowSeconds * 1_000) / 4));
}

function byHost(rows: readonly AverageRow[]): Averages {
  const averages: Averages = new Map();
  for (const row of rows) {
    const key = hostKey(row.source, row.hostId);
    const ofHost = averages.get(key) ?? new Map<string, Average>();
    ofHost.set(row.container, { cpu: row.cpu, mem: row.mem });
    averages.set(key, ofHost);
  }
  return averages;
}

/**
 * The CPU and memory averages the cpu-above / memory-above rules of a round need, one set per
 * window. On the embedded database the recorder of this (the only) process saw every sample, so
 * they come from its recent buckets; on PostgreSQL from the history, read at most every quarter
 * window.
 */
@Injectable()
export class WindowAverages {
  private readonly embedded: boolean;
  private readonly read = new Map<number, { at: number; averages: Averages }>();

  constructor(
    private readonly metrics: MetricsStore,
    private readonly recent: RecentFigures,
    @InjectDataSource() db: DataSource,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'alerts'>,
  ) {
    this.embedded = db.options.type !== 'postgres';
  }

  async of(rules: readonly EvaluatedRule[], now: number): Promise<AveragesByWindow> {
    const windows = new Set(
      rules
        .filter((rule) => rule.kind === 'cpu-above' || rule.kind === 'memory-above')
        .map((rule) => rule.forSeconds),
    );
    if (this.embedded) {
      this.recent.retain(Math.max(0, ...windows));
    }
    const byWindow = new Map<number, Averages>();
    for (const seconds of windows) {
      byWindow.set(seconds, await this.over(seconds, now));
    }
    return byWindow;
  }

  private async over(seconds: number, now: number): Promise<Averages> {
    const nowSeconds = Math.floor(now / 1_000);
    const since = nowSeconds - seconds;
    const coveredBy = nowSeconds - Math.floor(seconds / 2);
    if (this.embedded && this.recent.covers(seconds)) {
      return this.recent.averages(since, coveredBy);
    }
    const cached = this.read.get(seconds);
    if (cached && now - cached.at < maxAgeMs(seconds, this.config.alerts.intervalMs)) {
      return cached.averages;
    }
    const averages = byHost(await this.metrics.averages(since, coveredBy));
    this.read.set(seconds, { at: now, averages });
    return averages;
  }
}
