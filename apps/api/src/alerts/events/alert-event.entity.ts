import type { AlertKind, AlertStatus, DeliveryState, SourceKind } from '@archnest/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('alert_events')
export class AlertEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The alert's key while it fires (unique), null once resolved. */
  @Column({ name: 'open_key', type: 'varchar', length: 600, nullable: true })
  openKey!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: AlertStatus;

  /** Null once the rule was deleted (the event keeps its name). */
  @Column({ name: 'rule_id', type: 'varchar', length: 36, nullable: true })
  ruleId!: string | null;

  @Column({ name: 'rule_name', type: 'varchar', length: 128 })
  ruleName!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: AlertKind;

  @Column({ type: 'varchar', length: 16 })
  source!: SourceKind;

  @Column({ name: 'host_id', type: 'varchar', length: 128 })
  hostId!: string;

  @Column({ name: 'host_name', type: 'varchar', length: 256 })
  hostName!: string;

  @Column({ type: 'varchar', length: 256, nullable: true })
  container!: string | null;

  @Column({ type: 'varchar', length: 1024 })
  message!: string;

  @Column({ name: 'starts_at' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: Date, nullable: true })
  endsAt!: Date | null;
}

/** One channel's delivery of one transition of an event: the outbox the sender works. */
@Entity('alert_deliveries')
export class AlertDeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 36 })
  eventId!: string;

  @Column({ name: 'channel_id', type: 'varchar', length: 36 })
  channelId!: string;

  @Column({ name: 'channel_name', type: 'varchar', length: 128 })
  channelName!: string;

  @Column({ type: 'varchar', length: 16 })
  transition!: AlertStatus;

  @Column({ type: 'varchar', length: 16 })
  state!: DeliveryState;

  @Column({ type: 'integer', default: 0 })
  tries!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 600, nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'next_attempt_at', type: Date, nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'sent_at', type: Date, nullable: true })
  sentAt!: Date | null;
}
