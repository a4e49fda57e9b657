import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest round of a Docker API host or SSH target, as its collector saw it. */
@Entity('host_observations')
export class HostObservationEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  source!: string;

  @PrimaryColumn({ name: 'host_id', type: 'varchar', length: 128 })
  hostId!: string;

  @Column({ name: 'host_name', type: 'varchar', length: 256 })
  hostName!: string;

  @Column({ name: 'observed_at' })
  observedAt!: Date;

  /** When its rounds began to fail; null while it answers. */
  @Column({ name: 'down_since', type: Date, nullable: true })
  downSince!: Date | null;

  @Column({ type: 'varchar', length: 600, nullable: true })
  error!: string | null;

  /** JSON of RoundContainer[] from the last good round. */
  @Column({ name: 'containers_json', type: 'text', nullable: true })
  containersJson!: string | null;
}
