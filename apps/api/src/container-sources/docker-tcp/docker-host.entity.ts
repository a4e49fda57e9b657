import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A Docker Engine reachable over TCP (optionally TLS) or a unix socket (docs/docker-tcp.md). */
@Entity('docker_hosts')
export class DockerHostEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  name!: string;

  /** `tcp://host:port` or `unix:///path`; validated by parseEngineUrl before it is stored. */
  @Column({ type: 'varchar', length: 512 })
  url!: string;

  /** CA, client certificate and key as JSON, sealed with CryptoService; never returned. */
  @Column({ name: 'tls_sealed', type: 'text', nullable: true })
  tlsSealed!: string | null;

  /** Last successful answer from the engine (probe, test or save). */
  @Column({ name: 'last_seen_at', type: Date, nullable: true })
  lastSeenAt!: Date | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
