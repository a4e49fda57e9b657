import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import {
  type FormControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import {
  CHANNEL_TYPES,
  type AlertChannel,
  type ChannelType,
  type CreateAlertChannel,
} from '@archnest/contracts';
import { describeError } from '../common/http-error';
import { AlertsApi } from './alerts-api';
import {
  CHANNEL_LABELS,
  URL_HINTS,
  channelInput,
  recipientsValidator,
  urlPattern,
} from './channel-input';

/**
 * Creates or edits a channel; the webhook secret and SMTP password are write-only (empty on edit
 * keeps them, "clear" removes them). Closes with the saved channel.
 */
@Component({
  selector: 'app-channel-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
  ],
  templateUrl: './channel-dialog.html',
  styleUrl: './alert-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelDialog {
  private readonly api = inject(AlertsApi);
  private readonly dialogRef = inject<MatDialogRef<ChannelDialog, AlertChannel>>(MatDialogRef);

  protected readonly channel =
    inject<AlertChannel | null>(MAT_DIALOG_DATA, { optional: true }) ?? null;
  protected readonly types = CHANNEL_TYPES;
  protected readonly labels = CHANNEL_LABELS;
  protected readonly hasSecret = this.channel?.hasSecret ?? false;
  protected readonly hasPassword = this.channel?.email?.hasPassword ?? false;
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: [this.channel?.name ?? '', [Validators.required, Validators.maxLength(128)]],
    type: [this.channel?.type ?? 'webhook'],
    url: [this.channel?.url ?? ''],
    enabled: [this.channel?.enabled ?? true],
    secret: ['', [Validators.minLength(8), Validators.maxLength(256)]],
    clearSecret: [false],
    from: [this.channel?.email?.from ?? ''],
    to: [this.channel?.email?.to.join(', ') ?? ''],
    username: [this.channel?.email?.username ?? ''],
    password: [''],
    clearPassword: [false],
  });
  protected readonly type = toSignal(this.form.controls.type.valueChanges, {
    initialValue: this.form.controls.type.value,
  });
  protected readonly urlHint = computed(() => URL_HINTS[this.type()]);
  protected readonly urlPlaceholder = computed(() =>
    this.type() === 'email' ? 'smtp://mail.example.com:587' : 'https://hooks.example.com/alerts',
  );
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    if (this.channel) {
      this.form.controls.type.disable();
    }
    this.applyType(this.form.controls.type.value);
    this.form.controls.type.valueChanges.subscribe((type) => this.applyType(type));
    this.form.controls.clearSecret.valueChanges.subscribe((clear) =>
      this.toggle(this.form.controls.secret, !clear),
    );
    this.form.controls.clearPassword.valueChanges.subscribe((clear) =>
      this.toggle(this.form.controls.password, !clear),
    );
  }

  protected async saveChannel(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const input = channelInput(this.form.getRawValue(), this.channel);
    this.busy.set(true);
    this.error.set(null);
    try {
      const saved = this.channel
        ? await this.api.updateChannel(this.channel.id, input)
        : await this.api.createChannel(input as CreateAlertChannel);
      this.dialogRef.close(saved);
    } catch (error) {
      this.error.set(describeError(error));
    } finally {
      this.busy.set(false);
    }
  }

  /** The URL scheme and the email fields follow the type. */
  private applyType(type: ChannelType): void {
    const { url, from, to } = this.form.controls;
    url.setValidators([Validators.required, Validators.pattern(urlPattern(type))]);
    url.updateValueAndValidity();
    const email = type === 'email';
    from.setValidators(email ? [Validators.required, Validators.email] : null);
    from.updateValueAndValidity();
    to.setValidators(email ? recipientsValidator() : null);
    to.updateValueAndValidity();
  }

  private toggle(control: FormControl<string>, on: boolean): void {
    if (on) {
      control.enable();
    } else {
      control.setValue('');
      control.disable();
    }
  }
}
