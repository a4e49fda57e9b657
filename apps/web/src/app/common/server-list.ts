import { inject, signal } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { firstValueFrom } from 'rxjs';
import { ConfirmDialog, type ConfirmDialogData } from './confirm-dialog';
import { describeError } from './http-error';

/**
 * A page's list of what the server holds (hosts, targets, users): loads it with loading and error
 * state, asks before a removal, and reloads after every change so the table shows the server's
 * truth. Create it in a field initializer: it injects the dialog and the snack bar.
 */
export class ServerList<T> {
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  readonly items = signal<T[]>([]);
  /** A load or a change is running. */
  readonly loading = signal(false);
  /** The first load has ended (the empty-state text waits for it). */
  readonly loaded = signal(false);
  /** Why the last load failed; cleared by the next load that succeeds. */
  readonly error = signal<string | null>(null);

  constructor(private readonly fetch: () => Promise<T[]>) {}

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      this.items.set(await this.fetch());
      this.error.set(null);
    } catch (error) {
      this.error.set(describeError(error));
    } finally {
      this.loading.set(false);
      this.loaded.set(true);
    }
  }

  /** Asks `question`; on a yes, runs `remove` as a {@link change}. */
  async confirmRemove(
    question: ConfirmDialogData,
    remove: () => Promise<unknown>,
    done?: string,
  ): Promise<void> {
    const confirmed = await firstValueFrom(
      this.dialog
        .open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, { data: question })
        .afterClosed(),
    );
    if (confirmed) {
      await this.change(remove, done);
    }
  }

  /** Runs a change, says `done` or why it failed, and reloads either way. */
  async change(work: () => Promise<unknown>, done?: string): Promise<void> {
    this.loading.set(true);
    try {
      await work();
      if (done) {
        this.snackBar.open(done, undefined, { duration: 4000 });
      }
    } catch (error) {
      this.snackBar.open(describeError(error), 'Dismiss', { duration: 10_000 });
    }
    await this.load();
  }
}
