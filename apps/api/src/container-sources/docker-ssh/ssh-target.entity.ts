import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const SSH_AUTH_METHODS = ['password', 'key'] as const;
export type SshAuthMethod = (typeof SSH_AUTH_METHODS)[number];

/** An SSH target of the docker-ssh source (docs/docker-over-ssh.md); also usable as another's jump host. */
@Entity('ssh_targets')
export class SshTargetEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  name!: string;

  @Column({ type: 'varchar', length: 255 })
  host!: string;

  @Column({ type: 'integer' })
  port!: number;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ name: 'auth_method', type: 'varchar', length: 16 })
  authMethod!: SshAuthMethod;

  /** `{password}` or `{privateKey, passphrase?}` as JSON, sealed with CryptoService. */
  @Column({ name: 'credentials_sealed', type: 'text' })
  credentialsSealed!: string;

  @Column({ name: 'jump_target_id', type: 'varchar', length: 36, nullable: true })
  jumpTargetId!: string | null;

  /** The accepted `SHA256:` fingerprint; null until an admin pins one. */
  @Column({ name: 'host_key_fingerprint', type: 'varchar', length: 64, nullable: true })
  hostKeyFingerprint!: string | null;

  @Column({ name: 'docker_command', type: 'varchar', length: 255 })
  dockerCommand!: string;

  /** `docker -H` value on the target; null uses the remote CLI's own default. */
  @Column({ name: 'docker_host', type: 'varchar', length: 255, nullable: true })
  dockerHost!: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
