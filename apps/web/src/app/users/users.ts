import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { USER_ROLES, type User, type UserRole } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';
import { ROLE_LABELS } from '../auth/auth';
import { ConfirmDialog, type ConfirmDialogData } from '../common/confirm-dialog';
import { describeError } from '../common/http-error';
import { UserDialog } from './user-dialog';
import { UsersApi } from './users-api';

/** Admin page: list users, create them, change their role, delete them. */
@Component({
  selector: 'app-users',
  imports: [DatePipe, MatButtonModule, MatProgressBarModule, MatSelectModule, MatTableModule],
  templateUrl: './users.html',
  styleUrl: './users.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Users {
  private readonly usersApi = inject(UsersApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly roles = USER_ROLES;
  protected readonly roleLabels = ROLE_LABELS;
  protected readonly columns = ['username', 'role', 'createdAt', 'actions'];
  protected readonly users = signal<User[]>([]);
  protected readonly loading = signal(false);
  protected readonly loadError = signal<string | null>(null);

  constructor() {
    void this.loadUsers();
  }

  protected async loadUsers(): Promise<void> {
    this.loading.set(true);
    this.loadError.set(null);
    try {
      this.users.set(await this.usersApi.list());
    } catch (error) {
      this.loadError.set(describeError(error));
    } finally {
      this.loading.set(false);
    }
  }

  protected async openCreateDialog(): Promise<void> {
    const dialogRef = this.dialog.open<UserDialog, void, User>(UserDialog);
    const created = await firstValueFrom(dialogRef.afterClosed());
    if (created) {
      this.snackBar.open(`User ${created.username} created`, undefined, { duration: 4000 });
      await this.loadUsers();
    }
  }

  protected async changeRole(user: User, role: UserRole): Promise<void> {
    await this.mutate(() => this.usersApi.update(user.id, { role }));
  }

  protected async deleteUser(user: User): Promise<void> {
    const confirmed = await firstValueFrom(
      this.dialog
        .open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
          data: {
            title: 'Delete user?',
            message: `${user.username} will no longer be able to sign in.`,
            confirmLabel: 'Delete',
          },
        })
        .afterClosed(),
    );
    if (confirmed) {
      await this.mutate(() => this.usersApi.remove(user.id));
    }
  }

  /** Runs a change, reports a failure, and reloads either way so the table shows the server's truth. */
  private async mutate(change: () => Promise<unknown>): Promise<void> {
    this.loading.set(true);
    try {
      await change();
    } catch (error) {
      this.snackBar.open(describeError(error), 'Dismiss', { duration: 8000 });
    }
    await this.loadUsers();
  }
}
