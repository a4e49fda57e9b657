import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MetricsWindow, RollupTier } from './metrics-window';

/** The figures of a sample or a step, each null where it was not read. */
export interface Figures {
  cpu: number | null;
  mem: number | null;
  memLimit: number | null;
  netRx: number | null;
  netTx: number | null;
  blkR: number | null;
  blkW: number | null;
}

/** One raw sample: the Docker counters as read (rates are derived from consecutive rows). */
export interface SampleRow extends Figures {
  seriesId: number;
  /** Epoch seconds. */
  t: number;
}

export interface SeriesKey {
  source: string;
  hostId: string;
  container: string;
}

/** A step of history; rates per second. `running` counts the series sampled in the step. */
export interface HistoryRow extends Figures {
  t: number;
  running: number;
}

/** The newest sample of a series, with its labels (the Prometheus export). */
export interface LatestRow
  extends SeriesKey, Pick<Figures, 'cpu' | 'mem' | 'memLimit' | 'netRx' | 'netTx'> {
  image: string;
  t: number;
}

/** A series' average CPU and memory % over a window (AverageRow of `averages`). */
export interface AverageRow extends SeriesKey {
  cpu: number | null;
  mem: number | null;
}

/** Which series a history query sums: one container, or all of a host's. */
export type SeriesFilter = { seriesId: number } | { source: string; hostId: string };

/** The one string form of a series key (maps and caches); no part can hold a line break. */
export const seriesKey = (key: SeriesKey): string =>
  `${key.source}\n${key.hostId}\n${key.container}`;

/** New series are created this many per statement (4 parameters each). */
const SERIES_PER_STATEMENT = 500;

/** Two samples further apart than this are not one segment: no rate spans the gap. */
export const MAX_RATE_GAP_SECONDS = 600;

const COUNTERS = ['net_rx', 'net_tx', 'blk_r', 'blk_w'] as const;

/** A number as an SQL literal: the write path inlines only numbers it produced itself. */
function literal(value: number | null): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${value}` : 'NULL';
}

const toNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/**
 * Every statement of the metrics history, for SQLite and PostgreSQL alike (the same SQL but
 * for placeholders). Writes are single statements, so each is one transaction on its own and
 * never shares one with the TypeORM connection's other work.
 */
@Injectable()
export class MetricsStore {
  private readonly postgres: boolean;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.postgres = db.options.type === 'postgres';
  }

  private placeholder(index: number): string {
    return this.postgres ? `$${index}` : '?';
  }

  /**
   * The ids of these series, created (or their image updated) as needed: one upsert and one
   * select for all of them. Keys are `seriesKey()` strings.
   */
  async ensureSeries(
    series: readonly (SeriesKey & { image: string })[],
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (let start = 0; start < series.length; start += SERIES_PER_STATEMENT) {
      const chunk = series.slice(start, start + SERIES_PER_STATEMENT);
      const params = chunk.flatMap((one) => [one.source, one.hostId, one.container, one.image]);
      const tuples = chunk.map(
        (_, i) => `(${[1, 2, 3, 4].map((k) => this.placeholder(i * 4 + k)).join(', ')})`,
      );
      await this.db.query(
        `INSERT INTO metric_series (source, host_id, container, image) VALUES ${tuples.join(', ')} ` +
          'ON CONFLICT (source, host_id, container) DO UPDATE SET image = EXCLUDED.image ' +
          'WHERE metric_series.image <> EXCLUDED.image',
        params,
      );
      const keys = chunk.map(
        (_, i) => `(${[1, 2, 3].map((k) => this.placeholder(i * 3 + k)).join(', ')})`,
      );
      const rows: { id: unknown; source: string; host_id: string; container: string }[] =
        await this.db.query(
          'SELECT id, source, host_id, container FROM metric_series ' +
            `WHERE (source, host_id, container) IN (VALUES ${keys.join(', ')})`,
          chunk.flatMap((one) => [one.source, one.hostId, one.container]),
        );
      for (const row of rows) {
        ids.set(
          seriesKey({ source: row.source, hostId: row.host_id, container: row.container }),
          Number(row.id),
        );
      }
    }
    return ids;
  }

  async findSeries(key: SeriesKey): Promise<number | null> {
    const [p1, p2, p3] = [1, 2, 3].map((i) => this.placeholder(i));
    const rows: { id: unknown }[] = await this.db.query(
      `SELECT id FROM metric_series WHERE source = ${p1} AND host_id = ${p2} AND container = ${p3}`,
      [key.source, key.hostId, key.container],
    );
    return rows.length > 0 ? Number(rows[0].id) : null;
  }

  /** One INSERT of whole rounds (one transaction); a repeated second is kept once. */
  async insertSamples(rows: readonly SampleRow[]): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    // A plain loop and concatenation: this runs for every sample of every source.
    let values = '';
    for (const row of rows) {
      values +=
        `${values ? ',' : ''}(${row.seriesId},${row.t},${literal(row.cpu)},${literal(row.mem)},` +
        `${literal(row.memLimit)},${literal(row.netRx)},${literal(row.netTx)},` +
        `${literal(row.blkR)},${literal(row.blkW)})`;
    }
    await this.db.query(
      'INSERT INTO metric_samples (series_id, t, cpu, mem, mem_limit, net_rx, net_tx, blk_r, blk_w) ' +
        `VALUES ${values} ON CONFLICT (series_id, t) DO NOTHING`,
    );
  }

  /**
   * Raw samples with the counters turned into per-second rates: a counter that went down (the
   * container restarted) or a gap longer than MAX_RATE_GAP_SECONDS starts a new segment, whose
   * first sample has no rate. Reads from `from - MAX_RATE_GAP_SECONDS` for the first rate.
   */
  private ratedSamples(seriesClause: string, from: number, to: number): string {
    const lags = COUNTERS.map((c) => `LAG(${c}) OVER w AS p_${c}`).join(', ');
    const rates = COUNTERS.map(
      (c) =>
        `CASE WHEN p_t IS NOT NULL AND t - p_t <= ${MAX_RATE_GAP_SECONDS} AND ${c} >= p_${c} ` +
        `THEN (${c} - p_${c}) / (t - p_t) END AS ${c}`,
    ).join(', ');
    return (
      `SELECT series_id, t, cpu, mem, mem_limit, ${rates} FROM (` +
      `SELECT series_id, t, cpu, mem, mem_limit, ${COUNTERS.join(', ')}, LAG(t) OVER w AS p_t, ${lags} ` +
      `FROM metric_samples WHERE ${seriesClause} AND t >= ${from - MAX_RATE_GAP_SECONDS} AND t < ${to} ` +
      'WINDOW w AS (PARTITION BY series_id ORDER BY t)) lagged'
    );
  }

  private seriesClause(filter: SeriesFilter): { clause: string; params: unknown[] } {
    if ('seriesId' in filter) {
      return { clause: `series_id = ${Math.trunc(filter.seriesId)}`, params: [] };
    }
    return {
      clause:
        'series_id IN (SELECT id FROM metric_series ' +
        `WHERE source = ${this.placeholder(1)} AND host_id = ${this.placeholder(2)})`,
      params: [filter.source, filter.hostId],
    };
  }

  /**
   * The steps of `window` that hold samples: each series averaged over the step, then summed
   * over the series (memory limit: the largest), with the number of series sampled.
   */
  async history(filter: SeriesFilter, window: MetricsWindow): Promise<HistoryRow[]> {
    const { clause, params } = this.seriesClause(filter);
    const { from, to, step, tier } = window;
    const source =
      tier === 'raw'
        ? `(${this.ratedSamples(clause, from, to)})`
        : `(SELECT series_id, t, cpu, mem, mem_limit, ${COUNTERS.join(', ')} FROM metric_rollups ` +
          `WHERE tier = ${tier} AND ${clause} AND t < ${to})`;
    const perSeries =
      `SELECT series_id, (t / ${step}) * ${step} AS b, AVG(cpu) AS cpu, AVG(mem) AS mem, ` +
      `MAX(mem_limit) AS mem_limit, ${COUNTERS.map((c) => `AVG(${c}) AS ${c}`).join(', ')} ` +
      `FROM ${source} rows_in WHERE t >= ${from} GROUP BY series_id, (t / ${step}) * ${step}`;
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT b, SUM(cpu) AS cpu, SUM(mem) AS mem, MAX(mem_limit) AS mem_limit, ` +
        `${COUNTERS.map((c) => `SUM(${c}) AS ${c}`).join(', ')}, COUNT(*) AS running ` +
        `FROM (${perSeries}) per_series GROUP BY b ORDER BY b`,
      params,
    );
    return rows.map((row) => ({
      t: Number(row.b),
      cpu: toNumber(row.cpu),
      mem: toNumber(row.mem),
      memLimit: toNumber(row.mem_limit),
      netRx: toNumber(row.net_rx),
      netTx: toNumber(row.net_tx),
      blkR: toNumber(row.blk_r),
      blkW: toNumber(row.blk_w),
      running: Number(row.running),
    }));
  }

  /** The newest bucket a tier holds, or null. */
  async newestRollup(tier: RollupTier): Promise<number | null> {
    const rows: { t: unknown }[] = await this.db.query(
      `SELECT MAX(t) AS t FROM metric_rollups WHERE tier = ${tier}`,
    );
    return toNumber(rows[0]?.t);
  }

  /** The oldest time a tier holds, or null. */
  async oldest(tier: RollupTier | 'raw'): Promise<number | null> {
    // Raw: the oldest of each series' oldest, each one primary-key seek.
    const rows: { t: unknown }[] =
      tier === 'raw'
        ? await this.db.query(
            'SELECT MIN((SELECT MIN(t) FROM metric_samples m WHERE m.series_id = s.id)) AS t ' +
              'FROM metric_series s',
          )
        : await this.db.query(`SELECT MIN(t) AS t FROM metric_rollups WHERE tier = ${tier}`);
    return toNumber(rows[0]?.t);
  }

  /**
   * Folds `[from, to)` of the tier below into `tier`'s buckets: averages (maximum for the
   * `_max` columns and the limit). An upsert, so folding a bucket again only refreshes it.
   */
  async rollup(
    tier: RollupTier,
    below: RollupTier | 'raw',
    from: number,
    to: number,
  ): Promise<void> {
    const all = 'series_id IN (SELECT id FROM metric_series)';
    const input =
      below === 'raw'
        ? `(${this.ratedSamples(all, from, to)})`
        : `(SELECT series_id, t, samples, cpu, cpu_max, mem, mem_max, mem_limit, ${COUNTERS.join(', ')} ` +
          `FROM metric_rollups WHERE tier = ${below} AND ${all} AND t < ${to})`;
    const samples = below === 'raw' ? 'COUNT(*)' : 'SUM(samples)';
    const cpuMax = below === 'raw' ? 'MAX(cpu)' : 'MAX(cpu_max)';
    const memMax = below === 'raw' ? 'MAX(mem)' : 'MAX(mem_max)';
    const columns = ['samples', 'cpu', 'cpu_max', 'mem', 'mem_max', 'mem_limit', ...COUNTERS];
    await this.db.query(
      `INSERT INTO metric_rollups (tier, series_id, t, ${columns.join(', ')}) ` +
        `SELECT ${tier}, series_id, (t / ${tier}) * ${tier}, ${samples}, AVG(cpu), ${cpuMax}, ` +
        `AVG(mem), ${memMax}, MAX(mem_limit), ${COUNTERS.map((c) => `AVG(${c})`).join(', ')} ` +
        `FROM ${input} rows_in WHERE t >= ${from} GROUP BY series_id, (t / ${tier}) * ${tier} ` +
        `ON CONFLICT (tier, series_id, t) DO UPDATE SET ` +
        columns.map((c) => `${c} = EXCLUDED.${c}`).join(', '),
    );
  }

  /**
   * Deletes what is older than each tier's cutoff (epoch seconds): raw samples series by
   * series through the primary key, rollups through their time index; then the series with
   * an id up to `seriesUpTo` left empty. Answers how many were deleted and the newest id.
   */
  async prune(
    rawBefore: number,
    rollupsBefore: Record<RollupTier, number>,
    seriesUpTo: number,
  ): Promise<{ deleted: number; newestSeries: number }> {
    await this.db.query(
      'DELETE FROM metric_samples WHERE series_id IN (SELECT id FROM metric_series) ' +
        `AND t < ${Math.floor(rawBefore)}`,
    );
    for (const [tier, before] of Object.entries(rollupsBefore)) {
      await this.db.query(
        `DELETE FROM metric_rollups WHERE tier = ${Number(tier)} AND t < ${Math.floor(before)}`,
      );
    }
    const empty: { id: unknown }[] = await this.db.query(
      `SELECT id FROM metric_series WHERE id <= ${Math.trunc(seriesUpTo)} AND ` +
        'NOT EXISTS (SELECT 1 FROM metric_samples s WHERE s.series_id = metric_series.id) AND ' +
        'NOT EXISTS (SELECT 1 FROM metric_rollups r WHERE r.series_id = metric_series.id)',
    );
    if (empty.length > 0) {
      const ids = empty.map((row) => Math.trunc(Number(row.id))).join(', ');
      await this.db.query(`DELETE FROM metric_series WHERE id IN (${ids})`);
    }
    const [newest]: { id: unknown }[] = await this.db.query(
      'SELECT MAX(id) AS id FROM metric_series',
    );
    return { deleted: empty.length, newestSeries: toNumber(newest?.id) ?? 0 };
  }

  /** The newest sample of every series sampled since `since` (epoch seconds). */
  async latest(since: number): Promise<LatestRow[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      'SELECT s.source, s.host_id, s.container, s.image, m.t, m.cpu, m.mem, m.mem_limit, m.net_rx, m.net_tx ' +
        'FROM metric_series s JOIN metric_samples m ON m.series_id = s.id ' +
        'WHERE m.t = (SELECT MAX(t) FROM metric_samples WHERE series_id = s.id) ' +
        `AND m.t >= ${Math.floor(since)} ORDER BY s.source, s.host_id, s.container`,
    );
    return rows.map((row) => ({
      source: String(row.source),
      hostId: String(row.host_id),
      container: String(row.container),
      image: String(row.image),
      t: Number(row.t),
      cpu: toNumber(row.cpu),
      mem: toNumber(row.mem),
      memLimit: toNumber(row.mem_limit),
      netRx: toNumber(row.net_rx),
      netTx: toNumber(row.net_tx),
    }));
  }

  /**
   * Each series' average CPU % and memory % (of its limit) since `since` (epoch seconds), for
   * the series whose samples reach back to `coveredBy` (the alerts' cpu-above / memory-above).
   * Led by the series so each reads its own range of the (series_id, t) key.
   */
  async averages(since: number, coveredBy: number): Promise<AverageRow[]> {
    const rows: {
      source: string;
      host_id: string;
      container: string;
      cpu: unknown;
      mem: unknown;
    }[] = await this.db.query(
      'SELECT s.source, s.host_id, s.container, AVG(m.cpu) AS cpu, ' +
        'AVG(CASE WHEN m.mem_limit > 0 THEN 100.0 * m.mem / m.mem_limit END) AS mem ' +
        'FROM metric_series s JOIN metric_samples m ON m.series_id = s.id AND m.t >= ' +
        `${this.placeholder(1)} GROUP BY s.id, s.source, s.host_id, s.container ` +
        `HAVING MIN(m.t) <= ${this.placeholder(2)}`,
      [since, coveredBy],
    );
    return rows.map((row) => ({
      source: row.source,
      hostId: row.host_id,
      container: row.container,
      cpu: row.cpu === null ? null : Number(row.cpu),
      mem: row.mem === null ? null : Number(row.mem),
    }));
  }

  /**
   * Takes or renews the lease of one host for `holder` until `expiresAt` (ms), unless another
   * holder's lease is still running; true when `holder` holds it now. One atomic upsert.
   */
  async claimLease(
    source: string,
    hostId: string,
    holder: string,
    now: number,
    expiresAt: number,
  ): Promise<boolean> {
    const [p1, p2, p3] = [1, 2, 3].map((i) => this.placeholder(i));
    await this.db.query(
      `INSERT INTO metric_leases (source, host_id, holder, expires_at) VALUES (${p1}, ${p2}, ${p3}, ${expiresAt}) ` +
        'ON CONFLICT (source, host_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at ' +
        `WHERE metric_leases.holder = EXCLUDED.holder OR metric_leases.expires_at < ${now}`,
      [source, hostId, holder],
    );
    const rows: { holder: unknown }[] = await this.db.query(
      `SELECT holder FROM metric_leases WHERE source = ${p1} AND host_id = ${p2}`,
      [source, hostId],
    );
    return rows[0]?.holder === holder;
  }

  /** Every lease of `holder` but those of `keptSource`. */
  async releaseLeases(holder: string, keptSource: string): Promise<void> {
    await this.db.query(
      `DELETE FROM metric_leases WHERE holder = ${this.placeholder(1)} AND source <> ${this.placeholder(2)}`,
      [holder, keptSource],
    );
  }

  async releaseLease(source: string, hostId: string, holder: string): Promise<void> {
    const [p1, p2, p3] = [1, 2, 3].map((i) => this.placeholder(i));
    await this.db.query(
      `DELETE FROM metric_leases WHERE source = ${p1} AND host_id = ${p2} AND holder = ${p3}`,
      [source, hostId, holder],
    );
  }
}
