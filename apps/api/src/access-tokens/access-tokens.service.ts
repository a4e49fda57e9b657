import type { TokenState } from '@archnest/contracts';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { FindOptionsWhere, Repository } from 'typeorm';
import { NetworkAllowlist } from '../common/network/cidr';
import { AccessTokenEntity, type AccessTokenKind } from './access-token.entity';
import { hashesMatch, hashToken, newSecret } from './token-secret';
import { TokenLookup, type TokenRow } from './token-lookup';
import { TokenSnapshot } from './token-snapshot';
import { TokenUsage } from './token-usage';

export interface NewToken {
  name: string | null;
  hostId?: string;
  userId?: string;
  readOnly?: boolean;
  allowedCidrs?: string[];
  expiresAt?: Date | null;
}

/** A presented token that is stored: what it may do, and whether it has expired. */
export interface VerifiedToken {
  id: string;
  hint: string;
  hostId: string | null;
  userId: string | null;
  readOnly: boolean;
  networks: NetworkAllowlist;
  expired: boolean;
}

export function tokenState(
  token: Pick<AccessTokenEntity, 'expiresAt'>,
  now = Date.now(),
): TokenState {
  return token.expiresAt && token.expiresAt.getTime() <= now ? 'expired' : 'active';
}

/**
 * Issue, list, revoke and verify agent tokens and API keys: one implementation for both.
 * API keys are looked up in the database on every request, in batches (TokenLookup). Agent
 * tokens, checked on every report of the fleet, come from a snapshot never older than a second
 * (TokenSnapshot): a revoke applies here at once and on every replica within a second. Use marks
 * are written in the background (TokenUsage).
 */
@Injectable()
export class AccessTokensService implements OnModuleDestroy {
  private readonly usage: TokenUsage;
  private readonly lookup: TokenLookup;
  private readonly agentTokens: TokenSnapshot;

  constructor(
    @InjectRepository(AccessTokenEntity) private readonly tokens: Repository<AccessTokenEntity>,
  ) {
    this.usage = new TokenUsage(tokens);
    this.lookup = new TokenLookup(tokens);
    this.agentTokens = new TokenSnapshot(tokens, 'agent');
  }

  async onModuleDestroy(): Promise<void> {
    await this.usage.stop();
  }

  /** Stores a new token and returns it with its plaintext, which is never stored. */
  async issue(
    kind: AccessTokenKind,
    prefix: string,
    fields: NewToken,
  ): Promise<{ entity: AccessTokenEntity; token: string }> {
    const { token, tokenHash, hint } = newSecret(prefix);
    const entity = this.tokens.create({
      id: randomUUID(),
      kind,
      tokenHash,
      hint,
      name: fields.name,
      hostId: fields.hostId ?? null,
      userId: fields.userId ?? null,
      readOnly: fields.readOnly ?? false,
      allowedCidrs: fields.allowedCidrs ?? [],
      expiresAt: fields.expiresAt ?? null,
      lastUsedAt: null,
      lastAddress: null,
      replacedBy: null,
    });
    await this.tokens.insert(entity);
    await this.changed(kind);
    return { entity: await this.tokens.findOneByOrFail({ id: entity.id }), token };
  }

  async list(where: FindOptionsWhere<AccessTokenEntity>): Promise<AccessTokenEntity[]> {
    await this.usage.flush();
    return this.tokens.find({ where, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  findOne(where: FindOptionsWhere<AccessTokenEntity>): Promise<AccessTokenEntity | null> {
    return this.tokens.findOneBy(where);
  }

  async remove(token: AccessTokenEntity): Promise<void> {
    await this.tokens.delete({ id: token.id });
    await this.changed(token.kind);
  }

  /** The old token of a rotation: valid until `expiresAt`, then refused. */
  async markReplaced(token: AccessTokenEntity, replacedBy: string, expiresAt: Date): Promise<void> {
    await this.tokens.update({ id: token.id }, { replacedBy, expiresAt });
    await this.changed(token.kind);
  }

  /** Moves the kind's revision, which every replica's snapshot watches. */
  private async changed(kind: AccessTokenKind): Promise<void> {
    const parameter = this.tokens.manager.connection.driver.createParameter('kind', 0);
    await this.tokens.query(
      `UPDATE access_token_revisions SET revision = revision + 1 WHERE kind = ${parameter}`,
      [kind],
    );
    if (kind === 'agent') {
      this.agentTokens.invalidate();
    }
  }

  async exists(kind: AccessTokenKind): Promise<boolean> {
    return (await this.tokens.countBy({ kind })) > 0;
  }

  /** The stored token the plaintext hashes to, or null. */
  async verify(kind: AccessTokenKind, token: string): Promise<VerifiedToken | null> {
    const hash = hashToken(token);
    const row: TokenRow | undefined =
      kind === 'agent' ? await this.agentTokens.find(hash) : await this.lookup.find(kind, hash);
    if (!row || !hashesMatch(row.token_hash, hash)) {
      return null;
    }
    const { driver } = this.tokens.manager.connection;
    const expiresColumn = this.tokens.metadata.findColumnWithPropertyName('expiresAt')!;
    const expiresAt = driver.prepareHydratedValue(row.expires_at, expiresColumn) as Date | null;
    return {
      id: row.id,
      hint: row.hint,
      hostId: row.host_id,
      userId: row.user_id,
      readOnly: row.read_only === true || row.read_only === 1,
      networks: new NetworkAllowlist(JSON.parse(row.allowed_cidrs) as string[]),
      expired: tokenState({ expiresAt }) === 'expired',
    };
  }

  /** Marks an accepted use (written within a second, for lastUsedAt and lastAddress). */
  noteUse(token: VerifiedToken, address: string | null): void {
    this.usage.note(token.id, address);
  }
}
