import { Injectable, inject, signal } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import type { ContainerAction, ContainerState } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';
import { ConfirmDialog, type ConfirmDialogData } from '../common/confirm-dialog';
import { describeError } from '../common/http-error';
import { ContainersApi } from './containers-api';
import { can, type ContainerRow } from './sources';

export const ACTION_LABELS: Record<ContainerAction, string> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  pause: 'Pause',
  unpause: 'Unpause',
  remove: 'Remove',
};

const DONE: Record<ContainerAction, string> = {
  start: 'started',
  stop: 'stopped',
  restart: 'restarted',
  pause: 'paused',
  unpause: 'unpaused',
  remove: 'removed',
};

const BY_STATE: Record<ContainerState, ContainerAction[]> = {
  running: ['stop', 'restart', 'pause', 'remove'],
  paused: ['unpause', 'stop', 'restart', 'remove'],
  restarting: ['stop', 'remove'],
  exited: ['start', 'restart', 'remove'],
  created: ['start', 'remove'],
  dead: ['remove'],
  removing: [],
};

/** The actions that make sense for a container in this state (its source must have `manage`). */
export function actionsFor(row: Pick<ContainerRow, 'state' | 'capabilities'>): ContainerAction[] {
  return can(row, 'manage') ? BY_STATE[row.state] : [];
}

/** The container a finished action changed, so views showing it can reload. */
export interface ContainerChange {
  key: string;
  action: ContainerAction;
  /** Increments on every change so the same action twice is still a change. */
  serial: number;
}

/**
 * Runs container actions for every view: asks first for stop and remove, shows progress while
 * the request runs, and reports the outcome (or the server's message) in a snackbar.
 */
@Injectable({ providedIn: 'root' })
export class ContainerActions {
  private readonly api = inject(ContainersApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly busyKeys = signal<ReadonlySet<string>>(new Set());
  private readonly lastChange = signal<ContainerChange | null>(null);
  private serial = 0;

  readonly busy = this.busyKeys.asReadonly();
  readonly changed = this.lastChange.asReadonly();

  /** Returns true when the action ran. */
  async run(row: ContainerRow, action: ContainerAction): Promise<boolean> {
    if (this.busyKeys().has(row.key) || !(await this.confirm(row, action))) {
      return false;
    }
    this.setBusy(row.key, true);
    try {
      const force = action === 'remove' && row.state !== 'exited' && row.state !== 'created';
      await this.api.act({ source: row.source, hostId: row.hostId, id: row.id }, action, force);
      this.snackBar.open(`${row.name} ${DONE[action]}`, undefined, { duration: 4000 });
      this.lastChange.set({ key: row.key, action, serial: ++this.serial });
      return true;
    } catch (error) {
      this.snackBar.open(`Could not ${action} ${row.name}: ${describeError(error)}`, 'Dismiss', {
        duration: 10_000,
      });
      return false;
    } finally {
      this.setBusy(row.key, false);
    }
  }

  private async confirm(row: ContainerRow, action: ContainerAction): Promise<boolean> {
    const data = this.confirmation(row, action);
    if (!data) {
      return true;
    }
    const dialogRef = this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data,
    });
    return (await firstValueFrom(dialogRef.afterClosed())) === true;
  }

  private confirmation(row: ContainerRow, action: ContainerAction): ConfirmDialogData | null {
    const where = `on ${row.hostName}`;
    if (action === 'stop') {
      return {
        title: `Stop ${row.name}?`,
        message: `The container ${where} stops; whatever it serves is unavailable until it is started again.`,
        confirmLabel: 'Stop',
      };
    }
    if (action === 'remove') {
      const running = row.state !== 'exited' && row.state !== 'created';
      return {
        title: `Remove ${row.name}?`,
        message:
          (running
            ? `The container ${where} is ${row.state}: it is stopped and `
            : `The container ${where} is `) + 'removed for good. Named volumes are kept.',
        confirmLabel: 'Remove',
      };
    }
    return null;
  }

  private setBusy(key: string, busy: boolean): void {
    this.busyKeys.update((keys) => {
      const next = new Set(keys);
      if (busy) {
        next.add(key);
      } else {
        next.delete(key);
      }
      return next;
    });
  }
}
