import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import {
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
  type ValidatorFn,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import {
  ALERT_KINDS,
  SOURCE_KINDS,
  type AlertChannel,
  type AlertKind,
  type AlertRule,
  type AlertScope,
  type ContainerHost,
  type CreateAlertRule,
  type SourceKind,
} from '@archnest/contracts';
import { describeError } from '../common/http-error';
import { SOURCE_LABELS, hostKey } from '../containers/sources';
import { AlertsApi } from './alerts-api';
import { KINDS, MAX_FOR_SECONDS, takesThreshold } from './rule-kinds';

/** Docker container-name characters plus the glob's `*` and `?`. */
export const CONTAINER_GLOB = /^\s*[a-zA-Z0-9_.*?-]{1,256}\s*$/;

export interface RuleDialogData {
  rule: AlertRule | null;
  channels: readonly AlertChannel[];
  hosts: readonly ContainerHost[];
}

/** The form's value, as {@link ruleInput} reads it. */
export interface RuleFormValue {
  name: string;
  kind: AlertKind;
  threshold: number | null;
  forSeconds: number | null;
  channelIds: string[];
  source: SourceKind | '';
  /** `source/hostId`, or '' for any host. */
  host: string;
  container: string;
  enabled: boolean;
}

function thresholdValidators(kind: AlertKind): ValidatorFn[] {
  switch (kind) {
    case 'restart-loop':
      return [Validators.required, Validators.min(1), Validators.pattern(/^\d+$/)];
    case 'cpu-above':
      return [Validators.required, Validators.min(0)];
    case 'memory-above':
      return [Validators.required, Validators.min(0), Validators.max(100)];
    case 'container-stopped':
    case 'container-unhealthy':
    case 'host-offline':
      return [];
  }
}

/**
 * What to send: a new rule in full; an edit sends the same fields, and a `null` threshold only
 * when the kind no longer takes the one the rule had.
 */
export function ruleInput(value: RuleFormValue, original: AlertRule | null): CreateAlertRule {
  const scope: AlertScope = {};
  const slash = value.host.indexOf('/');
  if (slash > 0) {
    scope.source = value.host.slice(0, slash) as SourceKind;
    scope.hostId = value.host.slice(slash + 1);
  } else if (value.source) {
    scope.source = value.source;
  }
  if (value.kind !== 'host-offline' && value.container.trim()) {
    scope.container = value.container.trim();
  }
  const input: CreateAlertRule = {
    name: value.name.trim(),
    kind: value.kind,
    channelIds: value.channelIds,
    scope: Object.keys(scope).length ? scope : null,
    forSeconds: value.forSeconds ?? KINDS[value.kind].defaultForSeconds,
    enabled: value.enabled,
  };
  if (takesThreshold(value.kind)) {
    input.threshold = value.threshold;
  } else if (original && original.threshold !== null) {
    input.threshold = null;
  }
  return input;
}

/** The host select's value of a rule's scope. */
function scopeHost(scope: AlertScope | null, hosts: readonly ContainerHost[]): string {
  if (!scope?.hostId) {
    return '';
  }
  const host = hosts.find(
    (h) => h.hostId === scope.hostId && (!scope.source || h.source === scope.source),
  );
  return host ? hostKey(host) : `${scope.source ?? 'agent'}/${scope.hostId}`;
}

/** Creates or edits an alert rule; closes with the saved rule. */
@Component({
  selector: 'app-rule-dialog',
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
  templateUrl: './rule-dialog.html',
  styleUrl: './alert-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RuleDialog {
  private readonly api = inject(AlertsApi);
  private readonly dialogRef = inject<MatDialogRef<RuleDialog, AlertRule>>(MatDialogRef);
  private readonly data = inject<RuleDialogData>(MAT_DIALOG_DATA);

  protected readonly rule = this.data.rule;
  protected readonly channels = this.data.channels;
  protected readonly kinds = ALERT_KINDS;
  protected readonly kindInfo = KINDS;
  protected readonly sources = SOURCE_KINDS;
  protected readonly sourceLabels = SOURCE_LABELS;
  protected readonly maxForSeconds = MAX_FOR_SECONDS;
  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly form = this.fb.group({
    name: [this.rule?.name ?? '', [Validators.required, Validators.maxLength(128)]],
    kind: [this.rule?.kind ?? ('container-stopped' as AlertKind), Validators.required],
    threshold: [this.rule?.threshold ?? (null as number | null)],
    forSeconds: [
      this.rule?.forSeconds ?? (KINDS['container-stopped'].defaultForSeconds as number | null),
      [
        Validators.required,
        Validators.min(0),
        Validators.max(MAX_FOR_SECONDS),
        Validators.pattern(/^\d+$/),
      ],
    ],
    channelIds: [this.rule?.channelIds ?? ([] as string[])],
    source: this.fb.control<SourceKind | ''>(this.rule?.scope?.source ?? ''),
    host: [scopeHost(this.rule?.scope ?? null, this.data.hosts)],
    container: [this.rule?.scope?.container ?? '', Validators.pattern(CONTAINER_GLOB)],
    enabled: [this.rule?.enabled ?? true],
  });
  protected readonly kind = toSignal(this.form.controls.kind.valueChanges, {
    initialValue: this.form.controls.kind.value,
  });
  private readonly source = toSignal(this.form.controls.source.valueChanges, {
    initialValue: this.form.controls.source.value,
  });
  protected readonly info = computed(() => KINDS[this.kind()]);
  protected readonly showThreshold = computed(() => takesThreshold(this.kind()));
  /** The hosts of the chosen source (every host without one), and a stored one no longer known. */
  protected readonly hosts = computed(() => {
    const source = this.source();
    const known = this.data.hosts.map((h) => ({
      key: hostKey(h),
      label: h.name,
      source: h.source,
    }));
    const stored = this.form.controls.host.value;
    if (stored && !known.some((h) => h.key === stored)) {
      const [storedSource, ...id] = stored.split('/');
      known.push({ key: stored, label: id.join('/'), source: storedSource as SourceKind });
    }
    return known.filter((h) => !source || h.source === source);
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    this.setThresholdValidators(this.form.controls.kind.value);
    let previous = this.form.controls.kind.value;
    this.form.controls.kind.valueChanges.subscribe((kind) => {
      this.applyDefaults(previous, kind);
      previous = kind;
    });
    this.form.controls.source.valueChanges.subscribe((source) => {
      const host = this.form.controls.host.value;
      if (source && host && !host.startsWith(`${source}/`)) {
        this.form.controls.host.setValue('');
      }
    });
  }

  protected async saveRule(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const input = ruleInput(this.form.getRawValue(), this.rule);
    this.busy.set(true);
    this.error.set(null);
    try {
      const saved = this.rule
        ? await this.api.updateRule(this.rule.id, input)
        : await this.api.createRule(input);
      this.dialogRef.close(saved);
    } catch (error) {
      this.error.set(describeError(error));
    } finally {
      this.busy.set(false);
    }
  }

  /** A new kind brings its defaults unless the user changed the old kind's. */
  private applyDefaults(previous: AlertKind, kind: AlertKind): void {
    const { forSeconds, threshold } = this.form.controls;
    if (forSeconds.value === KINDS[previous].defaultForSeconds || forSeconds.value === null) {
      forSeconds.setValue(KINDS[kind].defaultForSeconds);
    }
    if (!takesThreshold(kind)) {
      threshold.setValue(null);
    } else if (threshold.value === null || threshold.value === KINDS[previous].defaultThreshold) {
      threshold.setValue(KINDS[kind].defaultThreshold);
    }
    this.setThresholdValidators(kind);
  }

  private setThresholdValidators(kind: AlertKind): void {
    const { threshold } = this.form.controls;
    threshold.setValidators(thresholdValidators(kind));
    threshold.updateValueAndValidity();
  }
}
