import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { AlertChannel, ChannelTestResult } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';
import { describeError } from '../common/http-error';
import { ServerList } from '../common/server-list';
import { registerIcons } from '../shell/icons';
import { AlertsApi } from './alerts-api';
import { ChannelDialog } from './channel-dialog';
import { channelLabel } from './channel-input';

/** What the last "Send test" of a channel answered, shown above the table. */
export interface ShownTest {
  channel: string;
  result: ChannelTestResult;
}

/** The Channels tab (admins): where alerts are sent; add, edit, test, delete. */
@Component({
  selector: 'app-alert-channels',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatSlideToggleModule,
    MatTableModule,
    MatTooltipModule,
  ],
  templateUrl: './alert-channels.html',
  styleUrl: './alert-tab.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertChannels {
  private readonly api = inject(AlertsApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly label = channelLabel;
  protected readonly columns = ['name', 'type', 'url', 'credentials', 'enabled', 'actions'];
  protected readonly list = new ServerList(() => this.api.channels());
  protected readonly testing = signal<string | null>(null);
  protected readonly lastTest = signal<ShownTest | null>(null);

  constructor() {
    registerIcons();
    void this.list.load();
  }

  /** Whether the write-only fields are stored (never what they are). */
  protected credentials(channel: AlertChannel): string {
    if (channel.type === 'webhook') {
      return channel.hasSecret ? 'Secret set' : 'No secret';
    }
    if (channel.type === 'email') {
      const to = channel.email?.to.join(', ') ?? '';
      const password = channel.email?.hasPassword ? 'password set' : 'no password';
      return `${channel.email?.from ?? '?'} → ${to}; ${password}`;
    }
    return '—';
  }

  protected async addChannel(): Promise<void> {
    await this.openDialog(null);
  }

  protected async editChannel(channel: AlertChannel): Promise<void> {
    await this.openDialog(channel);
  }

  protected async setEnabled(channel: AlertChannel, enabled: boolean): Promise<void> {
    await this.list.change(
      () => this.api.updateChannel(channel.id, { enabled }),
      `${channel.name} ${enabled ? 'enabled' : 'disabled'}`,
    );
  }

  protected async testChannel(channel: AlertChannel): Promise<void> {
    this.testing.set(channel.id);
    this.lastTest.set(null);
    try {
      this.lastTest.set({ channel: channel.name, result: await this.api.testChannel(channel.id) });
    } catch (error) {
      this.snackBar.open(`Test of ${channel.name} failed: ${describeError(error)}`, 'Dismiss', {
        duration: 12_000,
      });
    } finally {
      this.testing.set(null);
    }
  }

  protected async removeChannel(channel: AlertChannel): Promise<void> {
    await this.list.confirmRemove(
      {
        title: `Delete ${channel.name}?`,
        message:
          'Rules stop sending to this channel; notifications still waiting for it are dropped.',
        confirmLabel: 'Delete',
      },
      () => this.api.removeChannel(channel.id),
      `${channel.name} deleted`,
    );
  }

  private async openDialog(channel: AlertChannel | null): Promise<void> {
    const saved = await firstValueFrom(
      this.dialog
        .open<ChannelDialog, AlertChannel | null, AlertChannel>(ChannelDialog, {
          data: channel,
          maxWidth: '90vw',
        })
        .afterClosed(),
    );
    if (saved) {
      this.snackBar.open(`${saved.name} ${channel ? 'saved' : 'added'}`, undefined, {
        duration: 4000,
      });
      await this.list.load();
    }
  }
}
