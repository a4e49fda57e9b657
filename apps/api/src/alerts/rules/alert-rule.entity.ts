import type { AlertKind } from '@archnest/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('alert_rules')
export class AlertRuleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: AlertKind;

  /** JSON array of channel ids. */
  @Column({ name: 'channel_ids', type: 'text' })
  channelIds!: string;

  /** JSON of AlertScope, or null for every host of every source. */
  @Column({ name: 'scope_json', type: 'text', nullable: true })
  scopeJson!: string | null;

  @Column({ type: 'double precision', nullable: true })
  threshold!: number | null;

  @Column({ name: 'for_seconds', type: 'integer' })
  forSeconds!: number;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;
}
