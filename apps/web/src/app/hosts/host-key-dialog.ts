import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { HostKeyScan, SshTarget } from '@archnest/contracts';
import { describeError } from '../common/http-error';
import { registerIcons } from '../shell/icons';
import { HostsApi } from './hosts-api';

export interface HostKeyDialogData {
  target: SshTarget;
  scan: HostKeyScan;
}

/** Shows a scanned host key and pins it only when the admin accepts it explicitly. */
@Component({
  selector: 'app-host-key-dialog',
  imports: [MatButtonModule, MatDialogModule, MatIconModule, MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './host-key-dialog.scss',
  template: `
    <h2 mat-dialog-title>Host key of {{ data.target.name }}</h2>
    <mat-dialog-content>
      <p>
        {{ data.target.host }}:{{ data.target.port }} presented this {{ data.scan.keyType }} key:
      </p>
      <p class="fingerprint">{{ data.scan.fingerprint }}</p>
      @if (data.scan.pinned) {
        <p class="ok"><mat-icon svgIcon="check_circle" /> This is the pinned key. Nothing to do.</p>
      } @else {
        @if (data.target.hostKeyFingerprint) {
          <p class="changed" role="alert">
            <mat-icon svgIcon="warning" />
            This is not the pinned key ({{ data.target.hostKeyFingerprint }}). The host was
            reinstalled, or someone is intercepting the connection. Find out which before you
            accept.
          </p>
        }
        <p>
          Compare it with the key on the host itself, over a channel you trust:
          <code>ssh-keygen -lf /etc/ssh/ssh_host_{{ keyFile() }}_key.pub</code>. ArchNest connects
          only while the key matches the one you accept.
        </p>
      }
      @if (busy()) {
        <mat-progress-bar mode="indeterminate" aria-label="Pinning the key" />
      }
      @if (error(); as message) {
        <p class="error-text" role="alert">{{ message }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>
        {{ data.scan.pinned ? 'Close' : 'Cancel' }}
      </button>
      @if (!data.scan.pinned) {
        <button mat-flat-button type="button" [disabled]="busy()" (click)="acceptKey()">
          Accept and pin this key
        </button>
      }
    </mat-dialog-actions>
  `,
})
export class HostKeyDialog {
  private readonly api = inject(HostsApi);
  private readonly dialogRef = inject<MatDialogRef<HostKeyDialog, SshTarget>>(MatDialogRef);

  protected readonly data = inject<HostKeyDialogData>(MAT_DIALOG_DATA);

  constructor() {
    registerIcons();
  }
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  /** "ssh-ed25519" → "ed25519", the name of the host key file. */
  protected keyFile(): string {
    return this.data.scan.keyType.replace(/^ssh-/, '').replace(/^ecdsa-sha2-nistp\d+$/, 'ecdsa');
  }

  protected async acceptKey(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      this.dialogRef.close(
        await this.api.acceptHostKey(this.data.target.id, this.data.scan.fingerprint),
      );
    } catch (error) {
      this.error.set(describeError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
