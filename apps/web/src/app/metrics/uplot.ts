import { InjectionToken } from '@angular/core';
import type uPlot from 'uplot';
import { type ChartData, type ChartSpec, latestValue, tickLabel, yRange } from './charts';

/** What a metrics chart needs of uPlot; uPlot in the app, a fake in tests. */
export interface ChartLike {
  setData(data: ChartData): void;
  setSize(size: { width: number; height: number }): void;
  destroy(): void;
}

/** Builds a chart of `spec` in `host`, `width` pixels wide, in the colours of the current theme. */
export type ChartFactory = (
  spec: ChartSpec,
  data: ChartData,
  host: HTMLElement,
  width: number,
) => Promise<ChartLike>;

export const CHART_FACTORY = new InjectionToken<ChartFactory>('CHART_FACTORY', {
  factory: () => async (spec, data, host, width) => {
    const options = chartOptions(spec, chartColors(host, spec), width);
    // Loaded with the first chart: uPlot stays out of every page bundle.
    const { default: UPlot } = await import('uplot');
    return new UPlot(options, data, host);
  },
});

export const CHART_HEIGHT = 180;

/** The colours of one chart as the browser computed them for the current theme. */
export interface ChartColors {
  series: string[];
  text: string;
  grid: string;
}

/** Resolves CSS colour expressions (custom properties, `light-dark()`) to `rgb(…)` on `host`. */
function computedColors(host: HTMLElement, css: readonly string[]): string[] {
  const probes = css.map((color) => {
    const probe = host.ownerDocument.createElement('span');
    probe.style.display = 'none';
    probe.style.color = color;
    return probe;
  });
  host.append(...probes);
  // Read after every probe is in place: one style recalculation, not one per colour.
  const colors = probes.map((probe) => getComputedStyle(probe).color || 'currentColor');
  probes.forEach((probe) => probe.remove());
  return colors;
}

/** A canvas cannot read CSS, so the theme's colours are resolved on the chart's element. */
function chartColors(host: HTMLElement, spec: ChartSpec): ChartColors {
  const [text, grid, ...series] = computedColors(host, [
    'var(--mat-sys-on-surface-variant)',
    'var(--mat-sys-outline-variant)',
    ...spec.series.map((s) => s.color),
  ]);
  return { series, text, grid };
}

/**
 * uPlot options for a time series chart starting at 0 and scaled to what is in view (`yRange`:
 * a far memory limit is not). Gaps stay gaps (`spanGaps: false`; the undefined steps of a sparse
 * cadence are spanned, and the cursor skips them); the legend shows the values at the cursor, or
 * the latest values when the cursor is elsewhere.
 */
export function chartOptions(spec: ChartSpec, colors: ChartColors, width: number): uPlot.Options {
  const axis = {
    stroke: colors.text,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
  };
  return {
    width,
    height: CHART_HEIGHT,
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false } },
    scales: {
      x: { time: true },
      y: {
        // The points in view: uPlot has set the x series' indexes when it ranges y.
        range: (u) => {
          const [from = 0, to = u.data[0].length - 1] = u.series[0]?.idxs ?? [];
          return yRange(spec, u.data as ChartData, from, to);
        },
      },
    },
    series: [
      {
        label: 'Time',
        value: (_u, seconds) =>
          seconds === null ? 'latest' : new Date(seconds * 1000).toLocaleString(),
      },
      ...spec.series.map((series, i): uPlot.Series => ({
        label: series.label,
        stroke: colors.series[i],
        width: 1.5,
        dash: series.dashed ? [6, 4] : undefined,
        spanGaps: false,
        value: (u, raw: number | null | undefined, seriesIdx, idx) => {
          const shown = idx === null ? latestValue(u.data[seriesIdx] as ChartData[number]) : raw;
          return shown === null || shown === undefined ? '—' : spec.format(shown);
        },
      })),
    ],
    axes: [
      axis,
      {
        ...axis,
        size: 84,
        // A tick at least every 24 px: powers of 2 step twice as far as 1, 2, 5 × 10ⁿ at times.
        space: 24,
        incrs: spec.ticks ? [...spec.ticks] : undefined,
        values: (_u, splits) => splits.map((value) => tickLabel(spec, value)),
      },
    ],
  };
}
