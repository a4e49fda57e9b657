import type { SourceKind } from './containers';

/** The ranges the metrics routes accept in `?range=`; `from`/`to` (ISO times) choose any other. */
export const METRICS_RANGES = ['1h', '6h', '24h', '7d', '30d'] as const;
export type MetricsRange = (typeof METRICS_RANGES)[number];

/**
 * One step of a container's history: the averages over `[t, t + step)`. Rates are per second,
 * from the Docker counters; every figure is null where nothing was sampled (a gap).
 */
export interface MetricsPoint {
  /** The start of the step, ISO 8601. */
  t: string;
  cpuPercent: number | null;
  memUsage: number | null;
  memLimit: number | null;
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
  blockReadBytesPerSec: number | null;
  blockWriteBytesPerSec: number | null;
}

/** One step of a host's history: its containers' figures summed, and how many ran. */
export interface HostMetricsPoint extends MetricsPoint {
  running: number | null;
}

/** `GET /api/containers/{source}/{hostId}/{ref}/metrics` and the host route's answer. */
export interface MetricsHistory<P extends MetricsPoint = MetricsPoint> {
  /** The range asked for, or `custom` for `from`/`to`. */
  range: MetricsRange | 'custom';
  from: string;
  to: string;
  /** Seconds per point. */
  step: number;
  points: P[];
}

export type HostMetricsHistory = MetricsHistory<HostMetricsPoint>;

/** What identifies one history series: a container recreated under its name keeps its chart. */
export interface MetricsSeriesKey {
  source: SourceKind;
  hostId: string;
  container: string;
}
