import type { HttpTestingController } from '@angular/common/http/testing';
import type { Provider } from '@angular/core';
import type { HostMetricsHistory, HostMetricsPoint, SourceKind } from '@archnest/contracts';
import type uPlot from 'uplot';
import type { ChartData, ChartSpec } from './charts';
import { CHART_FACTORY, type ChartLike, chartOptions } from './uplot';

// Builders for the metrics tests (not part of the app bundle: nothing but specs imports it).

export const MIB = 2 ** 20;
export const T0 = Date.parse('2026-06-20T10:00:00Z');

/** A point `minute` minutes after T0: every figure present with `cpu`, a gap without. */
export function point(minute: number, cpu: number | null): HostMetricsPoint {
  const known = cpu !== null;
  return {
    t: new Date(T0 + minute * 60_000).toISOString(),
    cpuPercent: cpu,
    memUsage: known ? 50 * MIB : null,
    memLimit: known ? 512 * MIB : null,
    netRxBytesPerSec: known ? 2048 : null,
    netTxBytesPerSec: known ? 1024 : null,
    blockReadBytesPerSec: known ? 0 : null,
    blockWriteBytesPerSec: known ? 4096 : null,
    running: known ? 2 : null,
  };
}

export function history(
  points: HostMetricsPoint[],
  overrides: Partial<HostMetricsHistory> = {},
): HostMetricsHistory {
  return {
    range: '1h',
    from: new Date(T0).toISOString(),
    to: new Date(T0 + 3_600_000).toISOString(),
    step: 60,
    points,
    ...overrides,
  };
}

/** Answers the host sparklines' `…/metrics?range=1h` requests still open (before `verify()`). */
export function answerHostTrends(http: HttpTestingController): void {
  for (const request of http.match((req) =>
    /^\/api\/containers\/hosts\/.+\/metrics$/.test(req.url),
  )) {
    request.flush(history([]));
  }
}

export function hostTrendUrl(source: SourceKind, hostId: string): string {
  return `/api/containers/hosts/${source}/${hostId}/metrics?range=1h`;
}

/** Stands in for uPlot: keeps the options it was built with and every data it was given. */
export class FakeChart implements ChartLike {
  readonly data: ChartData[] = [];
  destroyed = false;

  constructor(
    readonly options: uPlot.Options,
    data: ChartData,
  ) {
    this.data.push(data);
  }

  /** The caption's stand-in: the label of the first series. */
  get label(): string {
    return this.options.series[1].label as string;
  }
  get latest(): ChartData {
    return this.data[this.data.length - 1];
  }
  setData(data: ChartData): void {
    this.data.push(data);
  }
  setSize(): void {}
  destroy(): void {
    this.destroyed = true;
  }
}

/**
 * Provides a CHART_FACTORY that builds FakeCharts into `charts`, with the options uPlot would get
 * (fixed colours: jsdom resolves CSS colours slowly and without a theme).
 */
export function fakeCharts(charts: FakeChart[]): Provider {
  return {
    provide: CHART_FACTORY,
    useValue: (spec: ChartSpec, data: ChartData, _host: HTMLElement, width: number) => {
      const colors = { series: spec.series.map(() => 'red'), text: 'gray', grid: 'silver' };
      const chart = new FakeChart(chartOptions(spec, colors, width), data);
      charts.push(chart);
      return Promise.resolve(chart);
    },
  };
}
