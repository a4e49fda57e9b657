import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  InjectionToken,
  computed,
  effect,
  inject,
  input,
  linkedSignal,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import {
  METRICS_RANGES,
  type MetricsHistory,
  type MetricsRange,
  type SourceKind,
} from '@archnest/contracts';
import { describeError } from '../common/http-error';
import { CONTAINER_CHARTS, HOST_CHARTS, chartData, formatStep } from './charts';
import { MetricsApi, type MetricsTarget } from './metrics-api';
import { MetricsChart } from './metrics-chart';

/** How often an open history asks for its range again. */
export const METRICS_POLL_MS = new InjectionToken<number>('METRICS_POLL_MS', {
  factory: () => 15_000,
});

/**
 * The history of a container (its name given) or of a host: a range picker and one chart per
 * figure, asked again every `METRICS_POLL_MS` while it is on the page. Projected content (a
 * heading) goes in front of the range picker.
 */
@Component({
  selector: 'app-history-panel',
  imports: [MatButtonToggleModule, MatProgressBarModule, MetricsChart],
  templateUrl: './history-panel.html',
  styleUrl: './history-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistoryPanel {
  private readonly api = inject(MetricsApi);
  private generation = 0;

  readonly source = input.required<SourceKind>();
  readonly hostId = input.required<string>();
  /** The container's name; null for the host's containers summed. */
  readonly container = input<string | null>(null);

  private readonly target = computed((): MetricsTarget => ({
    source: this.source(),
    hostId: this.hostId(),
    container: this.container(),
  }));

  protected readonly ranges = METRICS_RANGES;
  protected readonly range = signal<MetricsRange>('1h');
  /** The last answer; cleared when the panel is pointed at something else. */
  protected readonly history = linkedSignal<MetricsTarget, MetricsHistory | null>({
    source: this.target,
    computation: () => null,
  });
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly charts = computed(() => {
    const history = this.history();
    if (!history) {
      return [];
    }
    const specs = this.container() === null ? HOST_CHARTS : CONTAINER_CHARTS;
    return specs.map((spec) => ({ spec, data: chartData(spec, history.points) }));
  });
  protected readonly nothingRecorded = computed(
    () =>
      this.history() !== null &&
      this.charts().every(({ data: [, ...columns] }) =>
        columns.every((column) => column.every((value) => value === null)),
      ),
  );
  protected readonly stepText = computed(() => {
    const history = this.history();
    return history ? `One point per ${formatStep(history.step)}` : '';
  });

  constructor() {
    effect(() => {
      const target = this.target();
      const range = this.range();
      untracked(() => void this.load(target, range));
    });
    const timer = setInterval(() => this.poll(), inject(METRICS_POLL_MS));
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected selectRange(range: MetricsRange): void {
    this.range.set(range);
  }

  /** Loads a range; an answer for an older range or target is dropped. */
  private async load(target: MetricsTarget, range: MetricsRange): Promise<void> {
    const generation = ++this.generation;
    this.loading.set(true);
    try {
      const history = await this.api.history(target, range);
      if (generation === this.generation) {
        this.history.set(history);
        this.error.set(null);
      }
    } catch (error) {
      if (generation === this.generation) {
        this.error.set(describeError(error));
      }
    } finally {
      if (generation === this.generation) {
        this.loading.set(false);
      }
    }
  }

  /** A tick is skipped while a request runs or the browser tab is hidden. */
  private poll(): void {
    if (!this.loading() && document.visibilityState !== 'hidden') {
      void this.load(this.target(), this.range());
    }
  }
}
