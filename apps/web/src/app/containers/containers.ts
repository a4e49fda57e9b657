import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import type { ContainerHost, HostStatus, SourceKind } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';
import { describeError } from '../common/http-error';

const SOURCE_LABELS: Record<SourceKind, string> = {
  'docker-tcp': 'Docker API',
  'docker-ssh': 'Docker over SSH',
  agent: 'Agent',
};

const STATUS_LABELS: Record<HostStatus, string> = {
  online: 'Online',
  stale: 'Stale',
  unreachable: 'Unreachable',
  unknown: 'Unknown',
};

/** Placeholder until the sources land: lists every known host across all sources. */
@Component({
  selector: 'app-containers',
  imports: [DatePipe, MatButtonModule, MatProgressBarModule, MatTableModule],
  templateUrl: './containers.html',
  styleUrl: './containers.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Containers {
  private readonly http = inject(HttpClient);

  protected readonly columns = ['name', 'source', 'status', 'containerCount', 'lastSeenAt'];
  protected readonly hosts = signal<ContainerHost[]>([]);
  protected readonly rows = computed(() =>
    this.hosts().map((host) => ({
      ...host,
      sourceLabel: SOURCE_LABELS[host.source],
      statusLabel: STATUS_LABELS[host.status],
    })),
  );
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    void this.loadHosts();
  }

  protected async loadHosts(): Promise<void> {
    this.loading.set(true);
    this.error.set(null);
    try {
      this.hosts.set(await firstValueFrom(this.http.get<ContainerHost[]>('/api/containers/hosts')));
    } catch (error) {
      this.error.set(describeError(error));
    } finally {
      this.loading.set(false);
    }
  }
}
