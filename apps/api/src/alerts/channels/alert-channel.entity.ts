import type { ChannelType } from '@archnest/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What an e-mail channel keeps in clear (the password is sealed apart). */
export interface EmailSettings {
  from: string;
  to: string[];
  username: string | null;
}

@Entity('alert_channels')
export class AlertChannelEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: ChannelType;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** The webhook's signing secret, sealed (CryptoService). */
  @Column({ name: 'secret_sealed', type: 'text', nullable: true })
  secretSealed!: string | null;

  /** JSON of EmailSettings for `email` channels. */
  @Column({ name: 'email_json', type: 'text', nullable: true })
  emailJson!: string | null;

  /** The SMTP password, sealed. */
  @Column({ name: 'password_sealed', type: 'text', nullable: true })
  passwordSealed!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;
}
