import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import type { CreateDockerHostRequest, DockerHost } from '@archnest/contracts';
import { describeError } from '../common/http-error';
import { HostsApi } from './hosts-api';

export const HOST_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

/** keep: leave the stored TLS material; set: send new material; none: no TLS (removes it). */
type TlsChoice = 'keep' | 'set' | 'none';

/** Adds or edits a Docker Engine API host; TLS material is write-only. Closes with the saved host. */
@Component({
  selector: 'app-docker-host-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatRadioModule,
  ],
  templateUrl: './docker-host-dialog.html',
  styleUrl: './host-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DockerHostDialog {
  private readonly api = inject(HostsApi);
  private readonly dialogRef = inject<MatDialogRef<DockerHostDialog, DockerHost>>(MatDialogRef);

  protected readonly host = inject<DockerHost | null>(MAT_DIALOG_DATA, { optional: true }) ?? null;
  protected readonly storedTls = this.host?.tls.configured ?? false;
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: [this.host?.name ?? '', [Validators.required, Validators.pattern(HOST_NAME_PATTERN)]],
    url: [this.host?.url ?? '', Validators.required],
    tls: [(this.storedTls ? 'keep' : 'none') as TlsChoice],
    ca: [''],
    cert: [''],
    key: [''],
    verify: [true],
  });
  protected readonly tlsChoice = signal<TlsChoice>(this.form.controls.tls.value);
  protected readonly showTlsFields = computed(() => this.tlsChoice() === 'set');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    this.form.controls.tls.valueChanges.subscribe((choice) => {
      this.tlsChoice.set(choice);
      for (const field of [
        this.form.controls.ca,
        this.form.controls.cert,
        this.form.controls.key,
      ]) {
        field.setValidators(choice === 'set' ? Validators.required : null);
        field.updateValueAndValidity();
      }
    });
  }

  protected async saveHost(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const input: CreateDockerHostRequest = { name: value.name.trim(), url: value.url.trim() };
    if (value.tls === 'set') {
      input.tls = { ca: value.ca, cert: value.cert, key: value.key };
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      const saved = this.host
        ? await this.api.updateDockerHost(
            this.host.id,
            // "None" on a host with TLS removes the stored material; omitted keeps it.
            value.tls === 'none' && this.storedTls ? { ...input, tls: null } : input,
            value.verify,
          )
        : await this.api.createDockerHost(input, value.verify);
      this.dialogRef.close(saved);
    } catch (error) {
      this.error.set(describeError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
