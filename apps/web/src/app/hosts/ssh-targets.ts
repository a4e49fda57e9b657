import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { SshTarget } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';
import { describeError } from '../common/http-error';
import { ServerList } from '../common/server-list';
import { HostTrend } from '../metrics/host-trend';
import { registerIcons } from '../shell/icons';
import { HostKeyDialog, type HostKeyDialogData } from './host-key-dialog';
import { HostsApi } from './hosts-api';
import { SshTargetDialog, type SshTargetDialogData } from './ssh-target-dialog';

/** SSH targets: list, add, edit, scan and accept the host key, test, remove. */
@Component({
  selector: 'app-ssh-targets',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatTableModule,
    MatTooltipModule,
    HostTrend,
  ],
  templateUrl: './ssh-targets.html',
  styleUrl: './host-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SshTargets {
  private readonly api = inject(HostsApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly columns = ['name', 'address', 'via', 'auth', 'hostKey', 'trend', 'actions'];
  protected readonly list = new ServerList(() => this.api.sshTargets());
  /** The target a scan or test is running for. */
  protected readonly working = signal<string | null>(null);
  private readonly names = computed(() => new Map(this.list.items().map((t) => [t.id, t.name])));

  constructor() {
    registerIcons();
    void this.list.load();
  }

  protected jumpName(target: SshTarget): string {
    return target.jumpTargetId ? (this.names().get(target.jumpTargetId) ?? 'unknown') : 'Direct';
  }

  protected async addTarget(): Promise<void> {
    const saved = await this.openDialog(null);
    if (saved) {
      this.snackBar.open(`${saved.name} added: scan and accept its host key next`, undefined, {
        duration: 6000,
      });
    }
  }

  protected async editTarget(target: SshTarget): Promise<void> {
    const saved = await this.openDialog(target);
    if (saved) {
      this.snackBar.open(`${saved.name} saved`, undefined, { duration: 4000 });
    }
  }

  protected async scanHostKey(target: SshTarget): Promise<void> {
    this.working.set(target.id);
    let scan;
    try {
      scan = await this.api.scanHostKey(target.id);
    } catch (error) {
      this.snackBar.open(`Scan of ${target.name} failed: ${describeError(error)}`, 'Dismiss', {
        duration: 12_000,
      });
      return;
    } finally {
      this.working.set(null);
    }
    const pinned = await firstValueFrom(
      this.dialog
        .open<HostKeyDialog, HostKeyDialogData, SshTarget>(HostKeyDialog, {
          data: { target, scan },
        })
        .afterClosed(),
    );
    if (pinned) {
      this.snackBar.open(`Host key of ${pinned.name} pinned`, undefined, { duration: 4000 });
      await this.list.load();
    }
  }

  protected async testTarget(target: SshTarget): Promise<void> {
    this.working.set(target.id);
    try {
      const result = await this.api.testSshTarget(target.id);
      this.snackBar.open(
        `${target.name}: Docker ${result.dockerVersion} via ${result.chain.join(' → ')} ` +
          `answered in ${result.latencyMs} ms`,
        'Dismiss',
        { duration: 6000 },
      );
    } catch (error) {
      this.snackBar.open(`Test of ${target.name} failed: ${describeError(error)}`, 'Dismiss', {
        duration: 12_000,
      });
    } finally {
      this.working.set(null);
    }
  }

  protected async removeTarget(target: SshTarget): Promise<void> {
    await this.list.confirmRemove(
      {
        title: `Remove ${target.name}?`,
        message:
          'ArchNest forgets this target, its credentials and its pinned host key. ' +
          'Its containers keep running.',
        confirmLabel: 'Remove',
      },
      () => this.api.removeSshTarget(target.id),
      `${target.name} removed`,
    );
  }

  private async openDialog(target: SshTarget | null): Promise<SshTarget | undefined> {
    const saved = await firstValueFrom(
      this.dialog
        .open<SshTargetDialog, SshTargetDialogData, SshTarget>(SshTargetDialog, {
          data: { target, targets: this.list.items() },
        })
        .afterClosed(),
    );
    if (saved) {
      await this.list.load();
    }
    return saved;
  }
}
