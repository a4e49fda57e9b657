import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatMenuModule } from '@angular/material/menu';
import { MatPaginator, MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { MatSort, MatSortModule } from '@angular/material/sort';
import { MatTableDataSource, MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { LOG_FOLLOW_LIMITS, type ContainerAction } from '@archnest/contracts';
import { registerIcons } from '../shell/icons';
import { ACTION_LABELS, ContainerActions, actionsFor } from './container-actions';
import { formatMemory, formatPercent, formatPorts } from './format';
import { LiveStats, type LiveStat } from './live-stats';
import {
  NOT_REPORTED,
  READ_ONLY_REASON,
  SOURCE_LABELS,
  STATE_LABELS,
  can,
  type ContainerRow,
} from './sources';
import { StateChip } from './state-chip';

export const PAGE_SIZES = [25, 50, 100, 250];

function cpuOf(stat: LiveStat | null): number | null {
  return stat && typeof stat === 'object' ? stat.cpuPercent : null;
}

function memoryOf(stat: LiveStat | null): number | null {
  return stat && typeof stat === 'object' ? stat.memUsage : null;
}

/** Containers as a sortable, filterable, paginated table with per-row actions for admins. */
@Component({
  selector: 'app-container-table',
  imports: [
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatMenuModule,
    MatPaginatorModule,
    MatProgressSpinnerModule,
    MatSortModule,
    MatTableModule,
    MatTooltipModule,
    StateChip,
  ],
  providers: [LiveStats],
  templateUrl: './container-table.html',
  styleUrl: './container-table.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerTable {
  private readonly actions = inject(ContainerActions);
  private readonly liveStats = inject(LiveStats);
  private readonly sort = viewChild.required(MatSort);
  private readonly paginator = viewChild.required(MatPaginator);

  readonly rows = input.required<ContainerRow[]>();
  /** The "All hosts" view adds a Host column. */
  readonly showHost = input(false);
  readonly isAdmin = input(false);
  readonly loading = input(false);
  /** Shown when there are no rows at all (not when the filter hides them). */
  readonly emptyMessage = input('No containers on this host.');
  readonly refreshIntervalMs = input(10_000);
  readonly opened = output<ContainerRow>();
  /** "Merge logs" on the selected rows (1 to LOG_FOLLOW_LIMITS.maxContainers, all with logs). */
  readonly mergeLogs = output<ContainerRow[]>();

  protected readonly pageSizes = PAGE_SIZES;
  protected readonly actionLabels = ACTION_LABELS;
  protected readonly notReported = NOT_REPORTED;
  protected readonly readOnlyReason = READ_ONLY_REASON;
  protected readonly busy = this.actions.busy;
  protected readonly filter = signal('');
  protected readonly maxMerge = LOG_FOLLOW_LIMITS.maxContainers;
  /** Selected row keys; rows that leave the list leave the selection with them. */
  private readonly selectedKeys = signal<ReadonlySet<string>>(new Set());
  protected readonly selectedRows = computed(() =>
    this.rows().filter((row) => this.selectedKeys().has(row.key)),
  );
  protected readonly mergeHint = computed(() => {
    const n = this.selectedRows().length;
    if (n === 0) {
      return 'Select the containers whose logs to merge';
    }
    return n > this.maxMerge
      ? `A merge follows at most ${this.maxMerge} containers; ${n} are selected`
      : `Follow the logs of the ${n} selected containers in one view`;
  });
  protected readonly dataSource = new MatTableDataSource<ContainerRow>([]);
  protected readonly columns = computed(() => [
    'select',
    'name',
    ...(this.showHost() ? ['host'] : []),
    'image',
    'state',
    'cpu',
    'memory',
    'ports',
    ...(this.isAdmin() ? ['actions'] : []),
  ]);
  private readonly visibleRows = toSignal(this.dataSource.connect(), { initialValue: [] });

  constructor() {
    registerIcons();
    this.dataSource.filterPredicate = (row, filter) => this.searchText(row).includes(filter);
    this.dataSource.sortingDataAccessor = (row, column) => this.sortValue(row, column);
    effect(() => {
      this.dataSource.sort = this.sort();
      this.dataSource.paginator = this.paginator();
    });
    effect(() => {
      this.dataSource.data = this.rows();
    });
    effect(() => {
      const rows = this.visibleRows();
      // Half the refresh interval: every auto-refresh takes a new snapshot of what is on screen.
      this.liveStats.maxAgeMs = this.refreshIntervalMs() / 2;
      untracked(() => this.liveStats.request(rows));
    });
    inject(DestroyRef).onDestroy(() => this.liveStats.dispose());
  }

  protected readonly trackByKey = (_index: number, row: ContainerRow): string => row.key;

  protected applyFilter(text: string): void {
    this.filter.set(text);
    this.dataSource.filter = text.trim().toLowerCase();
    this.dataSource.paginator?.firstPage();
  }

  protected isSelected(row: ContainerRow): boolean {
    return this.selectedKeys().has(row.key);
  }

  protected toggleSelected(row: ContainerRow, selected: boolean): void {
    const keys = new Set(this.selectedKeys());
    if (selected) {
      keys.add(row.key);
    } else {
      keys.delete(row.key);
    }
    this.selectedKeys.set(keys);
  }

  protected clearSelection(): void {
    this.selectedKeys.set(new Set());
  }

  protected mergeSelected(): void {
    const rows = this.selectedRows();
    if (rows.length > 0 && rows.length <= this.maxMerge) {
      this.mergeLogs.emit(rows);
    }
  }

  protected hasLogs(row: ContainerRow): boolean {
    return can(row, 'logs');
  }

  protected openDetail(row: ContainerRow): void {
    this.opened.emit(row);
  }

  protected runAction(row: ContainerRow, action: ContainerAction): void {
    void this.actions.run(row, action);
  }

  protected actionsOf(row: ContainerRow): ContainerAction[] {
    return actionsFor(row);
  }

  protected canManage(row: ContainerRow): boolean {
    return can(row, 'manage');
  }

  protected sourceLabel(row: ContainerRow): string {
    return SOURCE_LABELS[row.source];
  }

  protected ports(row: ContainerRow): string {
    return formatPorts(row.ports) || '—';
  }

  /** CPU text, "…" while a snapshot loads, "—" when none applies; `title` says why. */
  protected cpu(row: ContainerRow): { text: string; title: string | null } {
    return this.statCell(row, (stat) => formatPercent(stat.cpuPercent));
  }

  protected memory(row: ContainerRow): { text: string; title: string | null } {
    return this.statCell(row, (stat) => formatMemory(stat.memUsage, stat.memLimit));
  }

  private statCell(
    row: ContainerRow,
    format: (stat: Exclude<LiveStat, 'pending' | 'failed'>) => string | null,
  ): { text: string; title: string | null } {
    if (!can(row, 'stats') && row.stats === null) {
      return { text: '—', title: `Stats ${NOT_REPORTED}` };
    }
    const stat = this.liveStats.of(row);
    if (stat === 'pending') {
      return { text: '…', title: 'Loading stats' };
    }
    if (stat === 'failed') {
      return { text: '—', title: 'Stats did not load; open the container to retry' };
    }
    if (stat === null) {
      return { text: '—', title: row.state === 'running' ? null : 'Not running' };
    }
    return { text: format(stat) ?? '—', title: null };
  }

  private searchText(row: ContainerRow): string {
    return [
      row.name,
      row.image,
      STATE_LABELS[row.state],
      row.status,
      row.hostName,
      SOURCE_LABELS[row.source],
      formatPorts(row.ports),
      row.id.slice(0, 12),
    ]
      .join('\n')
      .toLowerCase();
  }

  private sortValue(row: ContainerRow, column: string): string | number {
    switch (column) {
      case 'host':
        return row.hostName.toLowerCase();
      case 'image':
        return row.image.toLowerCase();
      case 'state':
        return row.state;
      case 'cpu':
        return cpuOf(this.liveStats.of(row)) ?? -1;
      case 'memory':
        return memoryOf(this.liveStats.of(row)) ?? -1;
      default:
        return row.name.toLowerCase();
    }
  }
}
