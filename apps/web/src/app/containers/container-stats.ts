import { DatePipe } from '@angular/common';
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
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { ContainerState, ContainerStats } from '@archnest/contracts';
import { describeError } from '../common/http-error';
import { HistoryPanel } from '../metrics/history-panel';
import { ContainersApi } from './containers-api';
import { formatBytes, formatMemory, formatPercent } from './format';
import { NOT_REPORTED, can, type ContainerRow } from './sources';

/** A stats snapshot (CPU, memory against its limit, network, block I/O), then the history. */
@Component({
  selector: 'app-container-stats',
  imports: [DatePipe, MatButtonModule, MatProgressBarModule, HistoryPanel],
  templateUrl: './container-stats.html',
  styleUrl: './container-stats.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerStatsPanel {
  private readonly api = inject(ContainersApi);

  readonly row = input.required<ContainerRow>();
  readonly state = input.required<ContainerState>();
  /** Stats that came with the detail (the agent's report), shown until a snapshot arrives. */
  readonly reported = input<ContainerStats | null>(null);

  protected readonly notReported = NOT_REPORTED;
  protected readonly snapshot = signal<ContainerStats | null>(null);
  protected readonly takenAt = signal<number | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly supported = computed(() => can(this.row(), 'stats'));
  protected readonly running = computed(() => this.state() === 'running');
  /** History is kept by container name, so a container recreated under its name keeps it. */
  protected readonly historyName = computed(() => this.row().name || this.row().id);
  protected readonly view = computed(() => {
    const stats = this.snapshot() ?? this.reported();
    if (!stats) {
      return null;
    }
    const memoryShare =
      stats.memUsage !== null && stats.memLimit ? (stats.memUsage / stats.memLimit) * 100 : null;
    return {
      cpu: formatPercent(stats.cpuPercent),
      cpuBar: stats.cpuPercent === null ? null : Math.min(100, stats.cpuPercent),
      memory: formatMemory(stats.memUsage, stats.memLimit),
      memoryBar: memoryShare,
      memoryShare: formatPercent(memoryShare),
      netRx: formatBytes(stats.netRxBytes),
      netTx: formatBytes(stats.netTxBytes),
      blockRead: formatBytes(stats.blockReadBytes),
      blockWrite: formatBytes(stats.blockWriteBytes),
    };
  });

  constructor() {
    effect(() => {
      if (this.supported() && this.running()) {
        untracked(() => void this.loadSnapshot());
      }
    });
  }

  protected async loadSnapshot(): Promise<void> {
    const { source, hostId, id } = this.row();
    this.loading.set(true);
    this.error.set(null);
    try {
      this.snapshot.set(await this.api.stats({ source, hostId, id }));
      this.takenAt.set(Date.now());
    } catch (error) {
      this.error.set(describeError(error));
    } finally {
      this.loading.set(false);
    }
  }
}
