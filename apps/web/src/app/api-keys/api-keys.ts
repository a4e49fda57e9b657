import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import type { ApiKeySummary } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';
import { Auth } from '../auth/auth';
import { ServerList } from '../common/server-list';
import { timeAgo } from '../containers/format';
import { registerIcons } from '../shell/icons';
import { ApiKeyDialog } from './api-key-dialog';
import { ApiKeysApi } from './api-keys-api';

/** Every user's page: their API keys (an admin sees everyone's), create one, revoke one. */
@Component({
  selector: 'app-api-keys',
  imports: [DatePipe, MatButtonModule, MatIconModule, MatProgressBarModule, MatTableModule],
  templateUrl: './api-keys.html',
  styleUrl: './api-keys.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApiKeys {
  private readonly api = inject(ApiKeysApi);
  private readonly auth = inject(Auth);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly isAdmin = this.auth.isAdmin;
  protected readonly columns = computed(() => [
    'name',
    ...(this.isAdmin() ? ['owner'] : []),
    'hint',
    'access',
    'createdAt',
    'expiresAt',
    'lastUsedAt',
    'actions',
  ]);
  protected readonly now = signal(Date.now());
  protected readonly list = new ServerList(async () => {
    const keys = await this.api.list();
    this.now.set(Date.now());
    return keys;
  });

  constructor() {
    registerIcons();
    void this.list.load();
  }

  protected ago(iso: string | null): string {
    return timeAgo(iso, this.now()) ?? 'Never';
  }

  /** "Owner's key" when revoking someone else's, so an admin sees whose key goes. */
  protected keyLabel(key: ApiKeySummary): string {
    const own = key.userId === this.auth.user()?.id;
    return own ? (key.name ?? key.hint) : `${key.username}'s key ${key.name ?? key.hint}`;
  }

  protected async createKey(): Promise<void> {
    const created = await firstValueFrom(
      this.dialog
        .open<ApiKeyDialog, void, string>(ApiKeyDialog, { maxWidth: '90vw' })
        .afterClosed(),
    );
    if (created !== undefined) {
      this.snackBar.open(`API key ${created} created`, undefined, { duration: 4000 });
      await this.list.load();
    }
  }

  protected async revokeKey(key: ApiKeySummary): Promise<void> {
    const label = this.keyLabel(key);
    await this.list.confirmRemove(
      {
        title: `Revoke ${label}?`,
        message:
          'Whatever uses this key is refused from its next request on. This cannot be undone: ' +
          'create a new key to replace it.',
        confirmLabel: 'Revoke',
      },
      () => this.api.revoke(key.id),
      `API key ${key.name ?? key.hint} revoked`,
    );
  }
}
