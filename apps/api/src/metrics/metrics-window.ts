import { METRICS_RANGES, type MetricsRange } from '@archnest/contracts';
import { AppError, ErrorCode } from '../common/errors/app-error';

/** Where a step's figures are read: raw samples, or one of the rollup tiers (bucket seconds). */
export type MetricsTier = 'raw' | 60 | 900 | 3600;
export const ROLLUP_TIERS = [60, 900, 3600] as const;
export type RollupTier = (typeof ROLLUP_TIERS)[number];

const RANGE_SECONDS: Record<MetricsRange, number> = {
  '1h': 3_600,
  '6h': 6 * 3_600,
  '24h': 24 * 3_600,
  '7d': 7 * 86_400,
  '30d': 30 * 86_400,
};

/** About this many points at most, whatever the range. */
export const MAX_POINTS = 1_000;
/** Steps a chart can be read at; each is a whole multiple of the tier it is read from. */
const STEPS = [15, 30, 60, 120, 300, 900, 1_800, 3_600, 7_200, 21_600, 43_200, 86_400];

/** How long each tier is kept, in seconds (config: ARCHNEST_METRICS_RETENTION_*). */
export type Retention = Record<MetricsTier, number>;

export interface MetricsWindow {
  range: MetricsRange | 'custom';
  /** Epoch seconds, `from` aligned down to the step; `to` exclusive. */
  from: number;
  to: number;
  step: number;
  tier: MetricsTier;
}

export interface WindowQuery {
  range?: string;
  from?: string;
  to?: string;
}

function parseTime(name: 'from' | 'to', value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new AppError(ErrorCode.BadRequest, `${name} must be an ISO 8601 time`);
  }
  return Math.floor(ms / 1_000);
}

const bucketOf = (tier: MetricsTier): number => (tier === 'raw' ? 1 : tier);

/**
 * The coarsest tier whose bucket fits in the step, or a coarser one when that tier's retention
 * no longer reaches back to `from`; the step grows to the tier's bucket then.
 */
function tierAndStep(
  wanted: number,
  from: number,
  now: number,
  retention: Retention,
): { tier: MetricsTier; step: number } {
  const fine =
    STEPS.find((candidate) => candidate >= wanted) ?? Math.ceil(wanted / 86_400) * 86_400;
  const tiers: MetricsTier[] = ['raw', ...ROLLUP_TIERS];
  const byStep = tiers.filter((tier) => tier === 'raw' || fine >= tier).pop() ?? 'raw';
  const reaching = tiers.slice(tiers.indexOf(byStep));
  const tier = reaching.find((candidate) => now - retention[candidate] <= from) ?? 3_600;
  const step = Math.ceil(Math.max(fine, bucketOf(tier)) / bucketOf(tier)) * bucketOf(tier);
  return { tier, step };
}

/**
 * The window, step and tier of a metrics request: `range` (one of METRICS_RANGES) or
 * `from`/`to` (ISO times, `to` defaulting to now). The step keeps the points at MAX_POINTS or
 * fewer, and the tier follows the step, so the cost of a query does not grow with its range.
 */
export function metricsWindow(
  query: WindowQuery,
  now: number,
  retention: Retention,
): MetricsWindow {
  let range: MetricsWindow['range'];
  let from: number;
  let to: number;
  if (query.from !== undefined || query.to !== undefined) {
    if (query.range !== undefined) {
      throw new AppError(ErrorCode.BadRequest, 'range cannot be combined with from/to');
    }
    if (query.from === undefined) {
      throw new AppError(ErrorCode.BadRequest, 'from is required with to');
    }
    range = 'custom';
    from = parseTime('from', query.from);
    to = query.to === undefined ? now : parseTime('to', query.to);
    if (from >= to) {
      throw new AppError(ErrorCode.BadRequest, 'from must be before to');
    }
  } else {
    const asked = query.range ?? '1h';
    if (!(METRICS_RANGES as readonly string[]).includes(asked)) {
      throw new AppError(ErrorCode.BadRequest, `range must be one of ${METRICS_RANGES.join(', ')}`);
    }
    range = asked as MetricsRange;
    to = now;
    from = now - RANGE_SECONDS[range];
  }
  const { tier, step } = tierAndStep(Math.ceil((to - from) / MAX_POINTS), from, now, retention);
  const alignedFrom = Math.floor(from / step) * step;
  const alignedTo = Math.ceil(to / step) * step;
  return { range, from: alignedFrom, to: alignedTo, step, tier };
}
