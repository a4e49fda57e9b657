import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import type { HostMetricsHistory, SourceKind } from '@archnest/contracts';
import { describeError } from '../common/http-error';
import { Sparkline } from '../common/sparkline';
import { CPU, type ChartSpec, HOST_MEMORY, RUNNING, figureOf, latestValue } from './charts';
import { HostTrends } from './host-trends';

/** The sparklines of a host, each with the short name its latest figure is shown under. */
const SPARKLINES: readonly { short: string; spec: ChartSpec }[] = [
  { short: 'CPU', spec: CPU },
  { short: 'Mem', spec: HOST_MEMORY },
  { short: 'Running', spec: RUNNING },
];

/** A host's CPU, memory and running containers over the last hour, with the latest figures. */
@Component({
  selector: 'app-host-trend',
  imports: [Sparkline],
  template: `
    @for (trend of sparklines(); track trend.short) {
      <span class="trend">
        <app-sparkline
          [values]="trend.values"
          [label]="trend.label"
          [floor]="trend.floor"
          [style.color]="trend.color"
        />
        <span class="figure">{{ trend.short }} {{ trend.now }}</span>
      </span>
    } @empty {
      @if (error(); as message) {
        <span class="muted" [title]="message">No history</span>
      }
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 12px;
      min-height: 20px;
      font: var(--mat-sys-body-small);
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .trend {
      display: inline-flex;
      align-items: center;
      gap: 4px;
    }
    .figure {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HostTrend {
  private readonly hostTrends = inject(HostTrends);
  private generation = 0;

  readonly source = input.required<SourceKind>();
  readonly hostId = input.required<string>();

  protected readonly history = signal<HostMetricsHistory | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly sparklines = computed(() => {
    const points = this.history()?.points;
    if (!points) {
      return [];
    }
    return SPARKLINES.map(({ short, spec: { caption, series, format, floor } }) => {
      const values = points.map((point) => figureOf(point, series[0].figure));
      const latest = latestValue(values);
      const now = latest === null ? '—' : format(latest);
      const label = `${caption} over the last hour, now ${now}`;
      return { short, values, now, label, floor, color: series[0].color };
    });
  });

  constructor() {
    effect(() => {
      const source = this.source();
      const hostId = this.hostId();
      untracked(() => void this.load(source, hostId));
    });
  }

  private async load(source: SourceKind, hostId: string): Promise<void> {
    const generation = ++this.generation;
    try {
      const history = await this.hostTrends.lastHour(source, hostId);
      if (generation === this.generation) {
        this.history.set(history);
        this.error.set(null);
      }
    } catch (error) {
      if (generation === this.generation) {
        this.history.set(null);
        this.error.set(describeError(error));
      }
    }
  }
}
