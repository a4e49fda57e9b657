import type { Repository } from 'typeorm';
import type { AccessTokenEntity, AccessTokenKind } from './access-token.entity';

/** The columns a verification reads, as the database returns them. */
export interface TokenRow {
  id: string;
  token_hash: string;
  hint: string;
  host_id: string | null;
  user_id: string | null;
  read_only: boolean | number;
  allowed_cidrs: string;
  expires_at: unknown;
}

/** What a verification reads, in the order of TokenRow. */
export const TOKEN_COLUMNS =
  'id, token_hash, hint, host_id, user_id, read_only, allowed_cidrs, expires_at';

/** Hashes one statement looks up at most. */
const BATCH = 200;

interface Pending {
  kind: AccessTokenKind;
  hash: string;
  done(row: TokenRow | undefined): void;
  fail(error: unknown): void;
}

/**
 * Looks tokens up by hash, every lookup asked for in the same turn of the event loop in one
 * `SELECT … WHERE token_hash IN (…)`: under load, one statement serves a batch of requests
 * rather than one each, and every answer still comes from the database (no cache to outlive a
 * revoke). Raw SQL: TypeORM's query builder would cost more than the lookup itself.
 */
export class TokenLookup {
  private pending: Pending[] = [];

  constructor(private readonly tokens: Repository<AccessTokenEntity>) {}

  find(kind: AccessTokenKind, hash: string): Promise<TokenRow | undefined> {
    return new Promise((done, fail) => {
      if (this.pending.length === 0) {
        setImmediate(() => void this.flush());
      }
      this.pending.push({ kind, hash, done, fail });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    for (const kind of new Set(batch.map((p) => p.kind))) {
      const asked = batch.filter((p) => p.kind === kind);
      for (let start = 0; start < asked.length; start += BATCH) {
        await this.answer(kind, asked.slice(start, start + BATCH));
      }
    }
  }

  private async answer(kind: AccessTokenKind, asked: Pending[]): Promise<void> {
    const hashes = [...new Set(asked.map((p) => p.hash))];
    const { driver } = this.tokens.manager.connection;
    const placeholders = hashes.map((_, i) => driver.createParameter(`h${i}`, i + 1));
    try {
      const rows = await this.tokens.query<TokenRow[]>(
        `SELECT ${TOKEN_COLUMNS} FROM access_tokens WHERE kind = ${driver.createParameter('kind', 0)} ` +
          `AND token_hash IN (${placeholders.join(', ')})`,
        [kind, ...hashes],
      );
      const byHash = new Map(rows.map((row) => [row.token_hash, row]));
      asked.forEach((p) => p.done(byHash.get(p.hash)));
    } catch (error) {
      asked.forEach((p) => p.fail(error));
    }
  }
}
