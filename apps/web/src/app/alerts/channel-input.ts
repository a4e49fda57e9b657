import type { AlertChannel, ChannelType, CreateAlertChannel } from '@archnest/contracts';
import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

export const CHANNEL_LABELS: Record<ChannelType, string> = {
  webhook: 'Webhook',
  slack: 'Slack / Mattermost',
  discord: 'Discord',
  ntfy: 'ntfy',
  email: 'Email (SMTP)',
};

export const URL_HINTS: Record<ChannelType, string> = {
  webhook: 'http(s)://… receives the alert as JSON',
  slack: 'A Slack or Mattermost incoming-webhook URL',
  discord: 'A Discord webhook URL',
  ntfy: 'https://ntfy.sh/<topic> or your own server',
  email: 'smtp://host:587 (STARTTLS when offered) or smtps://host:465 (TLS)',
};

/** The form's value, as {@link channelInput} reads it. */
export interface ChannelFormValue {
  name: string;
  type: ChannelType;
  url: string;
  enabled: boolean;
  /** webhook: a new secret; empty on edit keeps the stored one. */
  secret: string;
  clearSecret: boolean;
  from: string;
  /** Addresses separated by commas, semicolons or spaces. */
  to: string;
  username: string;
  /** email: a new password; empty on edit keeps the stored one. */
  password: string;
  clearPassword: boolean;
}

export function parseRecipients(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((address) => address.trim())
    .filter((address) => address.length > 0);
}

const ADDRESS = /^[^\s@]+@[^\s@]+$/;

/** At least one address, each with an @. */
export function recipientsValidator(): ValidatorFn {
  return (control: AbstractControl<string>): ValidationErrors | null => {
    const addresses = parseRecipients(control.value ?? '');
    if (!addresses.length) {
      return { required: true };
    }
    return addresses.every((address) => ADDRESS.test(address)) ? null : { recipients: true };
  };
}

export function urlPattern(type: ChannelType): RegExp {
  return type === 'email' ? /^smtps?:\/\/\S+$/i : /^https?:\/\/\S+$/i;
}

/** A write-only field: a new value, a `null` that clears it, or nothing (keep what is stored). */
function writeOnly(value: string, clear: boolean): string | null | undefined {
  if (clear) {
    return null;
  }
  return value ? value : undefined;
}

/**
 * What to send. A new channel sends its type and only the write-only fields filled in; an edit
 * leaves the type, and a write-only field out when it is empty (kept) or `null` when cleared.
 */
export function channelInput(
  value: ChannelFormValue,
  original: AlertChannel | null,
): CreateAlertChannel | Partial<CreateAlertChannel> {
  const type = original?.type ?? value.type;
  const input: Partial<CreateAlertChannel> = {
    name: value.name.trim(),
    url: value.url.trim(),
    enabled: value.enabled,
  };
  if (!original) {
    input.type = type;
  }
  if (type === 'webhook') {
    const secret = writeOnly(value.secret, !!original && value.clearSecret);
    if (secret !== undefined) {
      input.secret = secret;
    }
  }
  if (type === 'email') {
    const email: NonNullable<CreateAlertChannel['email']> = {
      from: value.from.trim(),
      to: parseRecipients(value.to),
    };
    const username = value.username.trim();
    if (username || original) {
      email.username = username || null;
    }
    const password = writeOnly(value.password, !!original && value.clearPassword);
    if (password !== undefined) {
      email.password = password;
    }
    input.email = email;
  }
  return input;
}

export function channelLabel(type: string): string {
  return (CHANNEL_LABELS as Partial<Record<string, string>>)[type] ?? type;
}
