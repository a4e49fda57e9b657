import type { HostMetricsPoint, MetricsPoint } from '@archnest/contracts';
import { formatBytes, formatPercent } from '../containers/format';

/** A figure of a history point: every field but its time (`running` only in a host's). */
export type Figure = Exclude<keyof HostMetricsPoint, 't'>;

/**
 * Seconds since the epoch (uPlot's x), then one column per series: null is a gap, undefined a
 * step between two samples of a source that samples less often than the step (uPlot spans it).
 */
export type ChartData = [number[], ...(number | null | undefined)[][]];

export interface ChartSeries {
  label: string;
  figure: Figure;
  /** A CSS colour expression (`var(--chart-1)`), resolved on the chart's element. */
  color: string;
  dashed?: boolean;
  /**
   * A reference line (the memory limit): it does not scale the chart, and is drawn only while it
   * is within REFERENCE_REACH of the other series (see `yRange`).
   */
  reference?: boolean;
}

/** One chart of a history: its caption, the figures it draws and how they read. */
export interface ChartSpec {
  caption: string;
  series: readonly ChartSeries[];
  format: (value: number) => string;
  /** The top of the y axis while every value is 0 or missing. */
  floor: number;
  /** The steps the y axis may tick at; uPlot's own (1, 2, 5 × 10ⁿ) without. */
  ticks?: readonly number[];
}

/** Byte ticks at powers of 2, as binary units read: "128 MiB", not "95.4 MiB" (10⁸ bytes). */
export const BYTE_TICKS: readonly number[] = Array.from({ length: 50 }, (_, power) => 2 ** power);

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
  ticks: BYTE_TICKS,
};
const BLOCK_IO: ChartSpec = {
  caption: 'Block I/O',
  series: [
    { label: 'Read', figure: 'blockReadBytesPerSec', color: 'var(--chart-1)' },
    { label: 'Written', figure: 'blockWriteBytesPerSec', color: 'var(--chart-2)' },
  ],
  format: rate,
  floor: 1024,
  ticks: BYTE_TICKS,
};

/** A container's charts: its memory is drawn against its limit when the limit is near. */
export const CONTAINER_CHARTS: readonly ChartSpec[] = [
  CPU,
  {
    caption: 'Memory',
    series: [
      MEMORY_USED,
      {
        label: 'Limit',
        figure: 'memLimit',
        color: 'var(--chart-limit)',
        dashed: true,
        reference: true,
      },
    ],
    format: bytes,
    floor: 1024 * 1024,
    ticks: BYTE_TICKS,
  },
  NETWORK,
  BLOCK_IO,
];

export const HOST_MEMORY: ChartSpec = {
  caption: 'Memory',
  series: [{ ...MEMORY_USED, color: 'var(--chart-2)' }],
  format: bytes,
  floor: 1024 * 1024,
  ticks: BYTE_TICKS,
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
    ...spec.series.map((series) =>
      bridgeCadence(points.map((point) => figureOf(point, series.figure))),
    ),
  ];
}

/** Samples this much further apart than a series' usual spacing are still its cadence. */
const CADENCE_SLACK = 1.5;

/**
 * A source samples at its own pace: an agent reporting every 30 s leaves every other 15 s step
 * empty (three of four at 60 s), and uPlot draws no line through points with nulls between them.
 * The empty steps between two samples no further apart than 1.5 × the series' usual spacing (the
 * median, known from 3 samples on) become undefined, which uPlot spans; a longer run (a stopped
 * container, a silent host) stays null, a gap. A series with a sample every step keeps its gaps.
 */
export function bridgeCadence(values: readonly (number | null)[]): (number | null | undefined)[] {
  const present = values.flatMap((value, index) => (value === null ? [] : [index]));
  const spacings = present.slice(1).map((index, k) => index - present[k]);
  const bridged: (number | null | undefined)[] = [...values];
  if (spacings.length < 2) {
    return bridged;
  }
  const usual = spacings.toSorted((a, b) => a - b)[Math.floor((spacings.length - 1) / 2)];
  spacings.forEach((spacing, k) => {
    if (spacing > 1 && spacing <= usual * CADENCE_SLACK) {
      bridged.fill(undefined, present[k] + 1, present[k + 1]);
    }
  });
  return bridged;
}

/** A reference line is drawn while it is below this many times the highest other value. */
export const REFERENCE_REACH = 4;

/**
 * The y scale of a chart whose points `from`..`to` are in view: 0 to a tenth above the highest
 * value of the series that scale it (`spec.floor` while that is 0). A reference series counts
 * only while it is within reach, below REFERENCE_REACH × that value: a container without a memory
 * limit reports the host's RAM as its limit, which would flatten the usage to a line at 0. Out
 * of reach, the limit is above the scale (not drawn) and stays in the legend.
 */
export function yRange(
  spec: ChartSpec,
  data: ChartData,
  from: number,
  to: number,
): [number, number] {
  const highest = (reference: boolean): number =>
    spec.series.reduce((top, series, i) => {
      if (Boolean(series.reference) !== reference) {
        return top;
      }
      const values = (data[i + 1] ?? []).slice(from, to + 1);
      return values.reduce<number>((max, value) => Math.max(max, value ?? 0), top);
    }, 0);
  const usage = highest(false);
  const reference = highest(true);
  const top = reference < REFERENCE_REACH * usage ? Math.max(usage, reference) : usage;
  return [0, top > 0 ? top * 1.1 : spec.floor];
}

/** A y axis label: the figure as the legend reads it, without a ".0" ("200 MiB", "20 %"). */
export function tickLabel(spec: ChartSpec, value: number): string {
  return spec.format(value).replace(/\.0(?= )/, '');
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
