import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  ViewEncapsulation,
  afterRenderEffect,
  computed,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { describeError } from '../common/http-error';
import { Theme } from '../shell/theme';
import { type ChartData, type ChartSpec, latestValue } from './charts';
import { CHART_FACTORY, CHART_HEIGHT, type ChartLike } from './uplot';

const FALLBACK_WIDTH = 600;

/**
 * One uPlot time series chart. The colours come from the Material theme tokens on this element,
 * so the chart is rebuilt when the theme flips; new data only calls `setData`.
 */
@Component({
  selector: 'app-metrics-chart',
  template: `
    <figure [attr.aria-label]="summary()">
      <figcaption>{{ spec().caption }}</figcaption>
      <div #plot class="plot" aria-hidden="true"></div>
      @if (failure(); as message) {
        <p class="error-text" role="alert">The chart could not load: {{ message }}</p>
      }
    </figure>
  `,
  styleUrl: './metrics-chart.scss',
  // uPlot builds its own DOM, which emulated encapsulation would not reach.
  encapsulation: ViewEncapsulation.None,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MetricsChart {
  private readonly createChart = inject(CHART_FACTORY);
  private readonly theme = inject(Theme);
  private readonly plot = viewChild.required<ElementRef<HTMLElement>>('plot');
  private chart: ChartLike | null = null;
  private generation = 0;
  private destroyed = false;
  private width = 0;

  readonly spec = input.required<ChartSpec>();
  readonly data = input.required<ChartData>();

  protected readonly failure = signal<string | null>(null);
  /** What the canvas shows, for screen readers: the latest value of each series. */
  protected readonly summary = computed(() => {
    const { caption, series, format } = this.spec();
    const latest = series.map((s, i) => {
      const value = latestValue(this.data()[i + 1] ?? []);
      return `${s.label} ${value === null ? 'no data' : format(value)}`;
    });
    return `${caption} chart, latest: ${latest.join(', ')}`;
  });

  constructor() {
    const observer =
      typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.resize());
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      observer?.disconnect();
      this.chart?.destroy();
      this.chart = null;
    });
    afterRenderEffect(() => {
      this.theme.scheme();
      const spec = this.spec();
      untracked(() => void this.build(spec));
    });
    afterRenderEffect(() => {
      const data = this.data();
      untracked(() => this.chart?.setData(data));
    });
    afterRenderEffect(() => observer?.observe(this.plot().nativeElement));
  }

  private async build(spec: ChartSpec): Promise<void> {
    const generation = ++this.generation;
    const host = this.plot().nativeElement;
    this.chart?.destroy();
    this.chart = null;
    this.width = host.clientWidth || FALLBACK_WIDTH;
    const data = this.data();
    try {
      const chart = await this.createChart(spec, data, host, this.width);
      if (this.destroyed || generation !== this.generation) {
        chart.destroy();
        return;
      }
      this.chart = chart;
      this.failure.set(null);
      if (this.data() !== data) {
        // Data that arrived while uPlot was loading.
        chart.setData(this.data());
      }
    } catch (error) {
      if (generation === this.generation) {
        this.failure.set(describeError(error));
      }
    }
  }

  private resize(): void {
    const width = this.plot().nativeElement.clientWidth;
    // A hidden tab measures 0: keep the last size until it shows again.
    if (this.chart && width > 0 && width !== this.width) {
      this.width = width;
      this.chart.setSize({ width, height: CHART_HEIGHT });
    }
  }
}
