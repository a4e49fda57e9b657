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
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { CreateApiKey, IssuedApiKey } from '@archnest/contracts';
import { CopyBlock } from '../common/copy-block';
import { dateInputValue, expiryOfDate, futureDateValidator } from '../common/expiry';
import { describeError } from '../common/http-error';
import { SecretWarning } from '../common/secret-warning';
import { ApiKeysApi } from './api-keys-api';

/**
 * Creates an API key, then shows it once with an example request. Closes with the key's name
 * when one was created (the page then reloads), never with the key.
 */
@Component({
  selector: 'app-api-key-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    CopyBlock,
    SecretWarning,
  ],
  templateUrl: './api-key-dialog.html',
  styleUrl: './api-key-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApiKeyDialog {
  private readonly api = inject(ApiKeysApi);
  private readonly dialogRef = inject<MatDialogRef<ApiKeyDialog, string>>(MatDialogRef);
  private readonly origin = inject(DOCUMENT).location.origin;

  protected readonly today = dateInputValue(new Date());
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, Validators.maxLength(128)]],
    expiresOn: ['', futureDateValidator()],
    readOnly: [false],
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  /** Held only while the dialog is open: closing it drops the key. */
  protected readonly created = signal<IssuedApiKey | null>(null);
  protected readonly example = computed(() => {
    const key = this.created()?.key ?? '';
    return `curl -H 'Authorization: Bearer ${key}' ${this.origin}/api/containers/hosts`;
  });

  protected async createKey(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const input: CreateApiKey = { name: value.name.trim(), readOnly: value.readOnly };
    const expiresAt = expiryOfDate(value.expiresOn);
    if (expiresAt) {
      input.expiresAt = expiresAt;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      this.created.set(await this.api.create(input));
      // From here on only "Done" closes it, so a stray click cannot lose the key.
      this.dialogRef.disableClose = true;
    } catch (error) {
      this.error.set(describeError(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected finish(): void {
    const name = this.created()?.name ?? undefined;
    this.created.set(null);
    this.dialogRef.close(name);
  }
}
