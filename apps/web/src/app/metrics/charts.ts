import type { HostMetricsPoint, MetricsPoint } from '@archnest/contracts';
import { formatBytes, formatPercent } from '../containers/format';

/** A figure of a history point: every field but its time (`running` only in a host's). */
export type Figure = Exclude<keyof HostMetricsPoint, 't'>;

/** Seconds since the epoch (uPlot's x), then one column per series; null is a gap. */
export type ChartData = [number[], ...(number | null)[][]];

export interface ChartSeries {
  label: string;
  figure: Figure;
  /** A CSS colour expression (`var(--chart-1)`), resolved on the chart's element. */
  color: string;
  dashed?: boolean;
}

/** One chart of a history: its caption, the figures it draws and how they read. */
export interface ChartSpec {
  caption: string;
  series: readonly ChartSeries[];
  format: (value: number) => string;
  /** The top of the y axis while every value is 0 or missing. */
  floor: number;
}

const percent = (value: number) => formatPercent(value) ?? '—';
const bytes = (value: number) => formatBytes(value) ?? '—';
const rate = (value: number) => `${bytes(value)}/s`;
/** A count averaged over a step may be fractional: 2 → "2", 2.5 → "2.5". */
const count = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

export const CPU: ChartSpec = {
  caption: 'CPU',
  series: [{ label: 'CPU', figure: 'cpuPercent', color: 'var(--chart-1)' }],
  format: percent,
  floor: 1,
};
const MEMORY_USED: ChartSeries = { label: 'Used', figure: 'memUsage', color: 'var(--chart-1)' };
const NETWORK: ChartSpec = {
  caption: 'Network',
  series: [
    { label: 'Received', figure: 'netRxBytesPerSec', color: 'var(--chart-1)' },
    { label: 'Sent', figure: 'netTxBytesPerSec', color: 'var(--chart-2)' },
  ],
  format: rate,
  floor: 1024,
};
const BLOCK_IO: ChartSpec = {
  caption: 'Block I/O',
  series: [
    { label: 'Read', figure: 'blockReadBytesPerSec', color: 'var(--chart-1)' },
    { label: 'Written', figure: 'blockWriteBytesPerSec', color: 'var(--chart-2)' },
  ],
  format: rate,
  floor: 1024,
};

/** A container's charts: its memory is drawn against its limit. */
export const CONTAINER_CHARTS: readonly ChartSpec[] = [
  CPU,
  {
    caption: 'Memory',
    series: [
      MEMORY_USED,
      { label: 'Limit', figure: 'memLimit', color: 'var(--chart-limit)', dashed: true },
    ],
    format: bytes,
    floor: 1024 * 1024,
  },
  NETWORK,
  BLOCK_IO,
];

export const HOST_MEMORY: ChartSpec = {
  caption: 'Memory',
  series: [{ ...MEMORY_USED, color: 'var(--chart-2)' }],
  format: bytes,
  floor: 1024 * 1024,
};
export const RUNNING: ChartSpec = {
  caption: 'Running containers',
  series: [{ label: 'Running', figure: 'running', color: 'var(--chart-1)' }],
  format: count,
  floor: 1,
};

/** A host's charts: its containers summed (a sum of limits means nothing), and how many ran. */
export const HOST_CHARTS: readonly ChartSpec[] = [CPU, HOST_MEMORY, NETWORK, BLOCK_IO, RUNNING];

/** The point's figure, or null for a gap (or a figure this kind of point does not have). */
export function figureOf(point: MetricsPoint, figure: Figure): number | null {
  const value = (point as Partial<HostMetricsPoint>)[figure];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The chart's columns for uPlot: the points' times, then one column per series. */
export function chartData(spec: ChartSpec, points: readonly MetricsPoint[]): ChartData {
  return [
    points.map((point) => Date.parse(point.t) / 1000),
    ...spec.series.map((series) => points.map((point) => figureOf(point, series.figure))),
  ];
}

/** The last value that is not a gap. */
export function latestValue(values: readonly (number | null | undefined)[]): number | null {
  return values.findLast((value) => value !== null && value !== undefined) ?? null;
}

/** 15 → "15 s", 60 → "1 min", 900 → "15 min", 3600 → "1 h", 86400 → "1 d". */
export function formatStep(seconds: number): string {
  if (seconds < 60) {
    return `${seconds} s`;
  }
  if (seconds < 3600) {
    return `${Math.round(seconds / 60)} min`;
  }
  if (seconds < 86_400) {
    return `${Math.round(seconds / 3600)} h`;
  }
  return `${Math.round(seconds / 86_400)} d`;
}
