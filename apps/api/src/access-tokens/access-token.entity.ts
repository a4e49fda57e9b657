import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** What a token is for: an agent's ingest for one host, or a user's API access. */
export type AccessTokenKind = 'agent' | 'api-key';

/**
 * A per-host agent token or a user's API key. Only the SHA-256 of the token is stored: the token
 * is 32 random bytes, so a plain hash cannot be reversed or guessed (docs/security.md).
 */
@Entity('access_tokens')
export class AccessTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: AccessTokenKind;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  /** The prefix and first characters of the token, to tell tokens apart in lists. */
  @Column({ type: 'varchar', length: 32 })
  hint!: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  name!: string | null;

  /** Agent tokens: the one host whose reports it may send. */
  @Column({ name: 'host_id', type: 'varchar', length: 128, nullable: true })
  hostId!: string | null;

  /** API keys: the owner, whose current role the key acts with (deleted with the owner). */
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ name: 'read_only', type: 'boolean', default: false })
  readOnly!: boolean;

  @Column({ name: 'allowed_cidrs', type: 'simple-json' })
  allowedCidrs!: string[];

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: Date, nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: Date, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'last_address', type: 'varchar', length: 64, nullable: true })
  lastAddress!: string | null;

  /** Set on the old token of a rotation. */
  @Column({ name: 'replaced_by', type: 'varchar', length: 36, nullable: true })
  replacedBy!: string | null;
}
