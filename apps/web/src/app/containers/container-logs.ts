import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import {
  LOG_TAIL_DEFAULT,
  LOG_TAIL_MAX,
  type ContainerLogs as LogsData,
} from '@archnest/contracts';
import { describeError } from '../common/http-error';
import { parseAnsi } from './ansi';
import { ContainersApi } from './containers-api';
import { NOT_REPORTED, can, type ContainerRow } from './sources';

export const TAIL_OPTIONS = [50, LOG_TAIL_DEFAULT, 1000, LOG_TAIL_MAX];

/** The recent tail of a container's logs, in monospace with ANSI colours rendered as spans. */
@Component({
  selector: 'app-container-logs',
  imports: [
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
  ],
  templateUrl: './container-logs.html',
  styleUrl: './container-logs.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerLogs {
  private readonly api = inject(ContainersApi);
  private readonly injector = inject(Injector);
  private readonly logView = viewChild<ElementRef<HTMLElement>>('logView');
  private generation = 0;

  readonly row = input.required<ContainerRow>();

  protected readonly tailOptions = TAIL_OPTIONS;
  protected readonly notReported = NOT_REPORTED;
  protected readonly supported = computed(() => can(this.row(), 'logs'));
  protected readonly tail = signal(LOG_TAIL_DEFAULT);
  protected readonly showTimestamps = signal(true);
  protected readonly logs = signal<LogsData | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly lines = computed(() =>
    (this.logs()?.lines ?? []).map((line) => ({
      stream: line.stream,
      timestamp: line.timestamp,
      segments: parseAnsi(line.text),
    })),
  );

  constructor() {
    effect(() => {
      if (this.supported()) {
        this.tail();
        untracked(() => void this.loadLogs());
      }
    });
  }

  protected changeTail(tail: number): void {
    this.tail.set(tail);
  }

  protected async loadLogs(): Promise<void> {
    const generation = ++this.generation;
    const { source, hostId, id } = this.row();
    this.loading.set(true);
    this.error.set(null);
    try {
      const logs = await this.api.logs({ source, hostId, id }, this.tail());
      if (generation === this.generation) {
        this.logs.set(logs);
        afterNextRender(() => this.scrollToEnd(), { injector: this.injector });
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

  private scrollToEnd(): void {
    const view = this.logView()?.nativeElement;
    if (view) {
      view.scrollTop = view.scrollHeight;
    }
  }
}
