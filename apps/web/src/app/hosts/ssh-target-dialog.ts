import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import type { CreateSshTargetRequest, SshAuthMethod, SshTarget } from '@archnest/contracts';
import { describeError } from '../common/http-error';
import { HOST_NAME_PATTERN } from './docker-host-dialog';
import { HostsApi } from './hosts-api';

export interface SshTargetDialogData {
  target: SshTarget | null;
  /** Every target, for the jump select (the edited one and those jumping through it are left out). */
  targets: SshTarget[];
}

/** Targets that reach `id` through their jump chain (choosing one of them would make a cycle). */
function dependentsOf(id: string, targets: SshTarget[]): Set<string> {
  const dependents = new Set<string>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const target of targets) {
      if (
        target.jumpTargetId &&
        dependents.has(target.jumpTargetId) &&
        !dependents.has(target.id)
      ) {
        dependents.add(target.id);
        grew = true;
      }
    }
  }
  return dependents;
}

/** Adds or edits an SSH target; credentials are write-only. Closes with the saved target. */
@Component({
  selector: 'app-ssh-target-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatRadioModule,
    MatSelectModule,
  ],
  templateUrl: './ssh-target-dialog.html',
  styleUrl: './host-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SshTargetDialog {
  private readonly api = inject(HostsApi);
  private readonly dialogRef = inject<MatDialogRef<SshTargetDialog, SshTarget>>(MatDialogRef);
  private readonly data = inject<SshTargetDialogData>(MAT_DIALOG_DATA);

  protected readonly target = this.data.target;
  protected readonly jumpOptions = this.target
    ? this.data.targets.filter((t) => !dependentsOf(this.target!.id, this.data.targets).has(t.id))
    : this.data.targets;
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: [this.target?.name ?? '', [Validators.required, Validators.pattern(HOST_NAME_PATTERN)]],
    host: [this.target?.host ?? '', Validators.required],
    port: [
      this.target?.port ?? 22,
      [Validators.required, Validators.min(1), Validators.max(65535)],
    ],
    username: [this.target?.username ?? '', Validators.required],
    authMethod: [this.target?.authMethod ?? 'key'],
    privateKey: [''],
    passphrase: [''],
    password: [''],
    jumpTargetId: [this.target?.jumpTargetId ?? ''],
    dockerCommand: [this.target?.dockerCommand ?? 'docker'],
    dockerHost: [this.target?.dockerHost ?? ''],
  });
  protected readonly authMethod = signal<SshAuthMethod>(this.form.controls.authMethod.value);
  /** Editing with the same method: empty credential fields keep what is stored. */
  protected readonly keepsCredentials = computed(
    () => this.target !== null && this.target.authMethod === this.authMethod(),
  );
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    this.form.controls.authMethod.valueChanges.subscribe((method) => this.authMethod.set(method));
  }

  protected async saveTarget(): Promise<void> {
    const value = this.form.getRawValue();
    const credential = value.authMethod === 'key' ? value.privateKey : value.password;
    if (this.form.invalid || (!credential && !this.keepsCredentials())) {
      this.form.markAllAsTouched();
      this.error.set(this.form.invalid ? null : 'Give a private key or a password.');
      return;
    }
    const input: CreateSshTargetRequest = {
      name: value.name.trim(),
      host: value.host.trim(),
      port: Number(value.port),
      username: value.username.trim(),
      jumpTargetId: value.jumpTargetId || null,
      dockerCommand: value.dockerCommand.trim() || 'docker',
      dockerHost: value.dockerHost.trim() || null,
    };
    if (value.authMethod === 'key' && value.privateKey) {
      input.privateKey = value.privateKey;
      if (value.passphrase) {
        input.passphrase = value.passphrase;
      }
    } else if (value.authMethod === 'password' && value.password) {
      input.password = value.password;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      const saved = this.target
        ? await this.api.updateSshTarget(this.target.id, input)
        : await this.api.createSshTarget(input);
      this.dialogRef.close(saved);
    } catch (error) {
      this.error.set(describeError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
