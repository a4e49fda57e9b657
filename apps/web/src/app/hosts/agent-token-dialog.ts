import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  computed,
  inject,
  signal,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import {
  AGENT_HOST_ID_PATTERN,
  type CreateAgentToken,
  type IssuedAgentToken,
} from '@archnest/contracts';
import { CopyBlock } from '../common/copy-block';
import { dateInputValue, expiryOfDate, futureDateValidator } from '../common/expiry';
import { describeError } from '../common/http-error';
import { SecretWarning } from '../common/secret-warning';
import { tokenInstallCommand } from './agent-host-rows';
import { HostsApi } from './hosts-api';

/** Loose: the characters of IPv4/IPv6 networks; the server checks each one and names it. */
const CIDR_LIST = /^[\s,]*[0-9A-Fa-f:.]+(\/\d{1,3})?([\s,]+[0-9A-Fa-f:.]+(\/\d{1,3})?)*[\s,]*$/;

export interface AgentTokenDialogData {
  /** Prefills the host id, e.g. for a host that reports with the shared token. */
  hostId?: string;
  /** A token issued already (a rotation): shown at once, without the form. */
  rotated?: IssuedAgentToken;
  /** With `rotated`: when the replaced token stops working. */
  previousUntil?: string;
}

/**
 * Enrolls an agent host: issues its own token, then shows it once in the install command. Closes
 * with the host id when a token was issued (the page then reloads), never with the token.
 */
@Component({
  selector: 'app-agent-token-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    CopyBlock,
    SecretWarning,
  ],
  templateUrl: './agent-token-dialog.html',
  styleUrls: ['./host-dialog.scss', './agent-token-dialog.scss'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgentTokenDialog {
  private readonly api = inject(HostsApi);
  private readonly dialogRef = inject<MatDialogRef<AgentTokenDialog, string>>(MatDialogRef);
  private readonly origin = inject(DOCUMENT).location.origin;
  private readonly data =
    inject<AgentTokenDialogData | null>(MAT_DIALOG_DATA, { optional: true }) ?? {};

  protected readonly rotation = !!this.data.rotated;
  protected readonly previousUntil = this.data.previousUntil
    ? new Date(this.data.previousUntil).toLocaleTimeString()
    : null;
  protected readonly today = dateInputValue(new Date());
  protected readonly form = inject(NonNullableFormBuilder).group({
    hostId: [
      this.data.hostId ?? '',
      [Validators.required, Validators.pattern(AGENT_HOST_ID_PATTERN)],
    ],
    name: ['', Validators.maxLength(128)],
    allowedCidrs: ['', Validators.pattern(CIDR_LIST)],
    expiresOn: ['', futureDateValidator()],
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  /** Held only while the dialog is open: closing it drops the token. */
  protected readonly issued = signal<IssuedAgentToken | null>(this.data.rotated ?? null);
  protected readonly command = computed(() => {
    const issued = this.issued();
    return issued ? tokenInstallCommand(this.origin, issued.hostId, issued.token) : '';
  });

  /** Where and until when the issued token is accepted, in words. */
  protected readonly limits = computed(() => {
    const issued = this.issued();
    if (!issued) {
      return '';
    }
    const from = issued.allowedCidrs.length
      ? `from ${issued.allowedCidrs.join(', ')}`
      : 'from any address';
    const until = issued.expiresAt
      ? `until ${new Date(issued.expiresAt).toLocaleString()}`
      : 'with no expiry';
    return `${from}, ${until}`;
  });

  constructor() {
    if (this.rotation) {
      this.dialogRef.disableClose = true;
    }
  }

  protected async issueToken(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const input: CreateAgentToken = { hostId: value.hostId.trim() };
    const name = value.name.trim();
    const cidrs = value.allowedCidrs.split(/[\s,]+/).filter(Boolean);
    const expiresAt = expiryOfDate(value.expiresOn);
    if (name) {
      input.name = name;
    }
    if (cidrs.length) {
      input.allowedCidrs = cidrs;
    }
    if (expiresAt) {
      input.expiresAt = expiresAt;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      this.issued.set(await this.api.issueAgentToken(input));
      // From here on only "Done" closes it, so a stray click cannot lose the token.
      this.dialogRef.disableClose = true;
    } catch (error) {
      this.error.set(describeError(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected finish(): void {
    const hostId = this.issued()?.hostId;
    this.issued.set(null);
    this.dialogRef.close(hostId);
  }
}
