import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  InjectionToken,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatExpansionModule } from '@angular/material/expansion';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { type MatTabChangeEvent, MatTabsModule } from '@angular/material/tabs';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { ContainerHost, HostFailure, SourceKind } from '@archnest/contracts';
import { Auth } from '../auth/auth';
import { describeError } from '../common/http-error';
import { HistoryPanel } from '../metrics/history-panel';
import { registerIcons } from '../shell/icons';
import { ContainerActions } from './container-actions';
import { ContainerDetail } from './container-detail';
import { ContainerTable } from './container-table';
import { ContainersApi } from './containers-api';
import { DetailTabs } from './detail-tabs';
import { HostSelect } from './host-select';
import { mergedLogsParams } from './log-targets';
import { ALL_HOSTS, SOURCE_LABELS, containerKey, hostKey, type ContainerRow } from './sources';

/** How often the list refreshes itself while auto-refresh is on. */
export const REFRESH_INTERVAL_MS = new InjectionToken<number>('REFRESH_INTERVAL_MS', {
  factory: () => 10_000,
});
export const AUTO_REFRESH_STORAGE_KEY = 'archnest.autoRefresh';

interface Loaded {
  hosts: ContainerHost[];
  rows: ContainerRow[];
  failures: HostFailure[];
}

/** The Containers page: a host selector, the containers table, and a closeable tab per container. */
@Component({
  selector: 'app-containers',
  imports: [
    DatePipe,
    RouterLink,
    MatButtonModule,
    MatExpansionModule,
    MatIconModule,
    MatProgressBarModule,
    MatSlideToggleModule,
    MatTabsModule,
    MatTooltipModule,
    ContainerDetail,
    ContainerTable,
    HistoryPanel,
    HostSelect,
  ],
  providers: [DetailTabs],
  templateUrl: './containers.html',
  styleUrl: './containers.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Containers {
  private readonly api = inject(ContainersApi);
  private readonly actions = inject(ContainerActions);
  private readonly router = inject(Router);
  private generation = 0;
  private focusedTabIndex = 0;

  protected readonly detailTabs = inject(DetailTabs);
  protected readonly isAdmin = inject(Auth).isAdmin;
  protected readonly refreshIntervalMs = inject(REFRESH_INTERVAL_MS);
  protected readonly allHosts = ALL_HOSTS;
  protected readonly hosts = signal<ContainerHost[]>([]);
  protected readonly selected = signal(
    inject(ActivatedRoute).snapshot.queryParamMap.get('host') ?? ALL_HOSTS,
  );
  protected readonly rows = signal<ContainerRow[]>([]);
  protected readonly failures = signal<HostFailure[]>([]);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly lastUpdated = signal<number | null>(null);
  protected readonly autoRefresh = signal(localStorage.getItem(AUTO_REFRESH_STORAGE_KEY) !== 'off');
  protected readonly hostsLoaded = signal(false);
  /** The host picked, or null under "All hosts" (or while the hosts load). */
  protected readonly selectedHost = computed(
    () => this.hosts().find((host) => hostKey(host) === this.selected()) ?? null,
  );
  /** Whether the host's history is open; it stays open across host switches. */
  protected readonly hostHistoryOpen = signal(false);
  protected readonly failureText = computed(() =>
    this.failures().map((failure) => `${this.hostName(failure)}: ${failure.message}`),
  );
  protected readonly emptyMessage = computed(() =>
    this.selected() === ALL_HOSTS
      ? 'No containers on any host yet.'
      : 'No containers on this host. Containers started there appear at the next refresh.',
  );

  constructor() {
    registerIcons();
    effect(() => {
      this.selected();
      untracked(() => {
        this.rows.set([]);
        this.failures.set([]);
        void this.refresh();
      });
    });
    effect((onCleanup) => {
      if (!this.autoRefresh()) {
        return;
      }
      const timer = setInterval(() => this.refreshInBackground(), this.refreshIntervalMs);
      onCleanup(() => clearInterval(timer));
    });
    const seenSerial = this.actions.changed()?.serial ?? 0;
    effect(() => {
      const change = this.actions.changed();
      if (change && change.serial > seenSerial) {
        untracked(() => {
          if (change.action === 'remove') {
            this.detailTabs.close(change.key);
          }
          void this.refresh();
        });
      }
    });
  }

  protected selectHost(key: string): void {
    this.selected.set(key);
    void this.router.navigate([], {
      queryParams: { host: key === ALL_HOSTS ? null : key },
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
  }

  protected setAutoRefresh(on: boolean): void {
    this.autoRefresh.set(on);
    localStorage.setItem(AUTO_REFRESH_STORAGE_KEY, on ? 'on' : 'off');
  }

  protected openContainer(row: ContainerRow): void {
    this.detailTabs.open(row);
  }

  /** The merged view has its own address, so it can be bookmarked and shared. */
  protected openMergedLogs(rows: ContainerRow[]): void {
    void this.router.navigate(['/containers/logs'], { queryParams: mergedLogsParams(rows) });
  }

  protected closeTab(key: string, event?: Event): void {
    event?.stopPropagation();
    this.detailTabs.close(key);
  }

  protected selectTab(index: number): void {
    this.detailTabs.selectedIndex.set(index);
  }

  protected trackFocusedTab(event: MatTabChangeEvent): void {
    this.focusedTabIndex = event.index;
  }

  /** Delete on a focused container tab closes it (the mouse has the × on the tab). */
  protected closeFocusedTab(event: Event): void {
    if (event.target instanceof HTMLElement && event.target.getAttribute('role') === 'tab') {
      this.detailTabs.closeAt(this.focusedTabIndex);
    }
  }

  /** Loads hosts and the containers of the selection; answers that arrive late are dropped. */
  protected async refresh(): Promise<void> {
    const generation = ++this.generation;
    const selected = this.selected();
    this.loading.set(true);
    try {
      const loaded = await this.load(selected, generation);
      if (generation === this.generation) {
        this.hosts.set(loaded.hosts);
        this.rows.set(loaded.rows);
        this.failures.set(loaded.failures);
        this.error.set(null);
        this.lastUpdated.set(Date.now());
      }
    } catch (error) {
      if (generation === this.generation) {
        this.error.set(describeError(error));
      }
    } finally {
      if (generation === this.generation) {
        this.loading.set(false);
        this.hostsLoaded.set(true);
      }
    }
  }

  private refreshInBackground(): void {
    if (!this.loading() && document.visibilityState !== 'hidden') {
      void this.refresh();
    }
  }

  private async load(selected: string, generation: number): Promise<Loaded> {
    // The selector gets the hosts even when the containers of one host fail to load.
    const hostsRequest = this.api.hosts().then((hosts) => {
      if (generation === this.generation) {
        this.hosts.set(hosts);
      }
      return hosts;
    });
    if (selected === ALL_HOSTS) {
      const [hosts, all] = await Promise.all([hostsRequest, this.api.all()]);
      const capabilities = new Map(hosts.map((host) => [hostKey(host), host.capabilities]));
      const rows = all.containers.map((c) => ({
        ...c,
        key: containerKey(c.source, c.hostId, c.id),
        capabilities: capabilities.get(hostKey(c)) ?? [],
      }));
      return { hosts, rows, failures: all.failures };
    }
    const [source, hostId] = splitHostKey(selected);
    const [hosts, summaries] = await Promise.all([hostsRequest, this.api.list(source, hostId)]);
    const host = hosts.find((h) => hostKey(h) === selected);
    const rows = summaries.map((summary) => ({
      ...summary,
      source,
      hostId,
      hostName: host?.name ?? hostId,
      key: containerKey(source, hostId, summary.id),
      capabilities: host?.capabilities ?? [],
    }));
    return { hosts, rows, failures: [] };
  }

  private hostName(failure: HostFailure): string {
    const host = this.hosts().find(
      (h) => h.source === failure.source && h.hostId === failure.hostId,
    );
    return `${host?.name ?? failure.hostId} (${SOURCE_LABELS[failure.source]})`;
  }
}

function splitHostKey(key: string): [SourceKind, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash) as SourceKind, key.slice(slash + 1)];
}
