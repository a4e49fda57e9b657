import type { TokenState } from '@archnest/contracts';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { EntityManager, FindOptionsWhere, Repository } from 'typeorm';
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
    await this.change(kind, (manager) => manager.insert(AccessTokenEntity, entity));
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
    await this.change(token.kind, (manager) => manager.delete(AccessTokenEntity, { id: token.id }));
  }

  /** The old token of a rotation: valid until `expiresAt`, then refused. */
  async markReplaced(token: AccessTokenEntity, replacedBy: string, expiresAt: Date): Promise<void> {
    await this.change(token.kind, (manager) =>
      manager.update(AccessTokenEntity, { id: token.id }, { replacedBy, expiresAt }),
    );
  }

  /**
   * Runs a change and moves the kind's revision, which every replica's snapshot watches: in one
   * transaction on PostgreSQL, so no replica can miss it; in sequence on SQLite, which serves one
   * process (its connection is shared, so a transaction there would take in other requests'
   * statements). This process's snapshot forgets at once either way.
   */
  private async change(
    kind: AccessTokenKind,
    work: (manager: EntityManager) => Promise<unknown>,
  ): Promise<void> {
    const bump = (manager: EntityManager) =>
      manager.query(
        'UPDATE access_token_revisions SET revision = revision + 1 WHERE kind = ' +
          manager.connection.driver.createParameter('kind', 0),
        [kind],
      );
    try {
      if (this.tokens.manager.connection.options.type === 'postgres') {
        await this.tokens.manager.transaction(async (manager) => {
          await work(manager);
          await bump(manager);
        });
      } else {
        await work(this.tokens.manager);
        await bump(this.tokens.manager);
      }
    } finally {
      if (kind === 'agent') {
        this.agentTokens.invalidate();
      }
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
