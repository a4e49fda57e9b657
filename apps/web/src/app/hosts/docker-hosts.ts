import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { DockerHost } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';
import { describeError } from '../common/http-error';
import { ServerList } from '../common/server-list';
import { HostTrend } from '../metrics/host-trend';
import { registerIcons } from '../shell/icons';
import { DockerHostDialog } from './docker-host-dialog';
import { HostsApi } from './hosts-api';

/** Docker Engine API hosts: list, add, edit, test, remove. */
@Component({
  selector: 'app-docker-hosts',
  imports: [
    DatePipe,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatTableModule,
    MatTooltipModule,
    HostTrend,
  ],
  templateUrl: './docker-hosts.html',
  styleUrl: './host-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DockerHosts {
  private readonly api = inject(HostsApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly columns = ['name', 'url', 'tls', 'lastSeenAt', 'trend', 'actions'];
  protected readonly list = new ServerList(() => this.api.dockerHosts());
  protected readonly testing = signal<string | null>(null);

  constructor() {
    registerIcons();
    void this.list.load();
  }

  protected async addHost(): Promise<void> {
    await this.openDialog(null);
  }

  protected async editHost(host: DockerHost): Promise<void> {
    await this.openDialog(host);
  }

  protected async testHost(host: DockerHost): Promise<void> {
    this.testing.set(host.id);
    try {
      const result = await this.api.testDockerHost(host.id);
      const message = result.ok
        ? `${host.name}: Docker ${result.version ?? '?'} (API ${result.apiVersion ?? '?'}, ` +
          `${result.platform ?? 'unknown platform'}) answered in ${result.latencyMs} ms`
        : `${host.name} did not answer: ${result.reason ?? 'no reason given'}`;
      this.snackBar.open(message, 'Dismiss', { duration: result.ok ? 6000 : 12_000 });
      await this.list.load();
    } catch (error) {
      this.snackBar.open(`Test of ${host.name} failed: ${describeError(error)}`, 'Dismiss', {
        duration: 12_000,
      });
    } finally {
      this.testing.set(null);
    }
  }

  protected async removeHost(host: DockerHost): Promise<void> {
    await this.list.confirmRemove(
      {
        title: `Remove ${host.name}?`,
        message:
          'ArchNest forgets this host and its stored TLS material. Its containers keep running.',
        confirmLabel: 'Remove',
      },
      () => this.api.removeDockerHost(host.id),
      `${host.name} removed`,
    );
  }

  private async openDialog(host: DockerHost | null): Promise<void> {
    const saved = await firstValueFrom(
      this.dialog
        .open<DockerHostDialog, DockerHost | null, DockerHost>(DockerHostDialog, { data: host })
        .afterClosed(),
    );
    if (saved) {
      this.snackBar.open(`${saved.name} ${host ? 'saved' : 'added'}`, undefined, {
        duration: 4000,
      });
      await this.list.load();
    }
  }
}
