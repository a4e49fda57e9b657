import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTabsModule } from '@angular/material/tabs';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { ContainerAction, ContainerDetail as DetailData } from '@archnest/contracts';
import { describeError } from '../common/http-error';
import { registerIcons } from '../shell/icons';
import { ACTION_LABELS, ContainerActions, actionsFor } from './container-actions';
import { ContainerEnv } from './container-env';
import { ContainerLogs } from './container-logs';
import { ContainerMounts } from './container-mounts';
import { ContainerNetwork } from './container-network';
import { ContainerOverview } from './container-overview';
import { ContainerStatsPanel } from './container-stats';
import { ContainersApi } from './containers-api';
import { ExecTerminal } from './exec-terminal';
import { READ_ONLY_REASON, SOURCE_LABELS, can, type ContainerRow } from './sources';
import { StateChip } from './state-chip';

/** One container's tab: header with actions, then overview, stats, network, mounts, env, logs, shell. */
@Component({
  selector: 'app-container-detail',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatTabsModule,
    MatTooltipModule,
    ContainerEnv,
    ContainerLogs,
    ContainerMounts,
    ContainerNetwork,
    ContainerOverview,
    ContainerStatsPanel,
    ExecTerminal,
    StateChip,
  ],
  templateUrl: './container-detail.html',
  styleUrl: './container-detail.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerDetail {
  private readonly api = inject(ContainersApi);
  private readonly actions = inject(ContainerActions);
  private generation = 0;

  readonly row = input.required<ContainerRow>();
  readonly isAdmin = input(false);
  readonly closeRequested = output<void>();

  protected readonly actionLabels = ACTION_LABELS;
  protected readonly readOnlyReason = READ_ONLY_REASON;
  protected readonly detail = signal<DetailData | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly sourceLabel = computed(() => SOURCE_LABELS[this.row().source]);
  /** The row with the state last read, so the offered actions match what the container is doing. */
  protected readonly current = computed<ContainerRow>(() => ({
    ...this.row(),
    state: this.detail()?.state ?? this.row().state,
  }));
  protected readonly canManage = computed(() => can(this.row(), 'manage'));
  protected readonly actionList = computed(() =>
    this.isAdmin() ? actionsFor(this.current()) : [],
  );
  protected readonly busy = computed(() => this.actions.busy().has(this.row().key));

  constructor() {
    registerIcons();
    effect(() => {
      this.row();
      untracked(() => void this.load());
    });
    const seenSerial = this.actions.changed()?.serial ?? 0;
    effect(() => {
      const change = this.actions.changed();
      if (change && change.serial > seenSerial && change.key === untracked(this.row).key) {
        if (change.action !== 'remove') {
          untracked(() => void this.load());
        }
      }
    });
  }

  protected async load(): Promise<void> {
    const generation = ++this.generation;
    const { source, hostId, id } = this.row();
    this.loading.set(true);
    try {
      const detail = await this.api.detail({ source, hostId, id });
      if (generation === this.generation) {
        this.detail.set(detail);
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

  protected runAction(action: ContainerAction): void {
    void this.actions.run(this.current(), action);
  }

  protected closeTab(): void {
    this.closeRequested.emit();
  }
}
