import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { USER_ROLES, type User, type UserRole } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';
import { ROLE_LABELS } from '../auth/auth';
import { ServerList } from '../common/server-list';
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
  protected readonly list = new ServerList(() => this.usersApi.list());

  constructor() {
    void this.list.load();
  }

  protected async openCreateDialog(): Promise<void> {
    const dialogRef = this.dialog.open<UserDialog, void, User>(UserDialog);
    const created = await firstValueFrom(dialogRef.afterClosed());
    if (created) {
      this.snackBar.open(`User ${created.username} created`, undefined, { duration: 4000 });
      await this.list.load();
    }
  }

  protected async changeRole(user: User, role: UserRole): Promise<void> {
    await this.list.change(() => this.usersApi.update(user.id, { role }));
  }

  protected async deleteUser(user: User): Promise<void> {
    await this.list.confirmRemove(
      {
        title: 'Delete user?',
        message: `${user.username} will no longer be able to sign in.`,
        confirmLabel: 'Delete',
      },
      () => this.usersApi.remove(user.id),
    );
  }
}
