/**
 * Alerts (docs/alerts.md): rules evaluated on what the server already knows, events that fire
 * and resolve once, and channels that deliver them. Admins write; members read.
 */
import type { SourceKind } from './containers';

export const ALERT_KINDS = [
  'container-stopped',
  'container-unhealthy',
  'restart-loop',
  'host-offline',
  'cpu-above',
  'memory-above',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Kinds that take `threshold`: restarts for restart-loop (default 3), percent for cpu/memory. */
export const THRESHOLD_KINDS: readonly AlertKind[] = ['restart-loop', 'cpu-above', 'memory-above'];

/** Narrows a rule; every field is optional and they combine (all must match). */
export interface AlertScope {
  source?: SourceKind;
  hostId?: string;
  /** A glob on the container name: `*` any run of characters, `?` one character. */
  container?: string;
}

export interface AlertRule {
  id: string;
  name: string;
  kind: AlertKind;
  channelIds: string[];
  scope: AlertScope | null;
  /** restart-loop: restarts; cpu-above / memory-above: percent. Null for the other kinds. */
  threshold: number | null;
  /** How long the condition must hold before it fires (restart-loop: the window counted). */
  forSeconds: number;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** `POST /api/alerts/rules`; `PATCH` takes any subset. */
export interface CreateAlertRule {
  name: string;
  kind: AlertKind;
  channelIds: string[];
  scope?: AlertScope | null;
  threshold?: number | null;
  forSeconds?: number;
  enabled?: boolean;
}

export const CHANNEL_TYPES = ['webhook', 'slack', 'discord', 'ntfy', 'email'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** A channel as listed: write-only fields appear only as whether they are set. */
export interface AlertChannel {
  id: string;
  name: string;
  type: ChannelType;
  /** webhook/slack/discord/ntfy: the http(s) URL; email: `smtp://` or `smtps://host:port`. */
  url: string;
  /** webhook: a secret signs each body (`X-ArchNest-Signature`). */
  hasSecret: boolean;
  /** email only. */
  email: { from: string; to: string[]; username: string | null; hasPassword: boolean } | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** `POST /api/alerts/channels`; `PATCH` takes any subset (a `null` secret/password clears it). */
export interface CreateAlertChannel {
  name: string;
  type: ChannelType;
  url: string;
  /** webhook only; write-only. */
  secret?: string | null;
  /** email only. */
  email?: { from: string; to: string[]; username?: string | null; password?: string | null };
  enabled?: boolean;
}

/** `POST /api/alerts/channels/{id}/test`: what the receiver answered. */
export interface ChannelTestResult {
  ok: boolean;
  /** HTTP status, or the SMTP reply code. */
  status: number | null;
  /** The receiver's answer or the error, cut to a few hundred characters. */
  response: string;
}

export type AlertStatus = 'firing' | 'resolved';

export type DeliveryState = 'pending' | 'sent' | 'failed';

/** One channel's delivery of one transition (firing or resolved) of an event. */
export interface AlertDelivery {
  channelId: string;
  channelName: string;
  transition: AlertStatus;
  state: DeliveryState;
  tries: number;
  lastError: string | null;
  sentAt: string | null;
  nextAttemptAt: string | null;
}

export interface AlertEvent {
  id: string;
  status: AlertStatus;
  ruleId: string | null;
  rule: string;
  kind: AlertKind;
  source: SourceKind;
  hostId: string;
  host: string;
  container: string | null;
  message: string;
  startsAt: string;
  endsAt: string | null;
  deliveries: AlertDelivery[];
}

/** `GET /api/alerts/events?status=&page=&pageSize=`, newest first. */
export interface AlertEventPage {
  items: AlertEvent[];
  total: number;
  page: number;
  pageSize: number;
  /** Events firing now, over every page (the console's navigation badge). */
  firing: number;
}

/** The JSON body a `webhook` channel receives, signed when the channel has a secret. */
export interface AlertNotification {
  status: AlertStatus;
  rule: string;
  kind: AlertKind;
  source: SourceKind;
  hostId: string;
  host: string;
  container: string | null;
  message: string;
  startsAt: string;
  endsAt: string | null;
  eventId: string;
}
