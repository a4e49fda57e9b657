import type { Repository } from 'typeorm';
import type { AccessTokenEntity, AccessTokenKind } from './access-token.entity';
import { TOKEN_COLUMNS, type TokenRow } from './token-lookup';

/**
 * Every stored token of one kind, held in memory and never older than `maxAgeMs`: a request
 * finds its token here, and at most once per `maxAgeMs` one tiny query asks whether the
 * kind's revision has moved (any issue, rotation or revoke, on any replica, moves it); only
 * then are the tokens read again. So a revoke applies on this replica at once (invalidate) and
 * on every other within `maxAgeMs`, while ingest never waits for a token query behind the
 * report writes on SQLite's one connection.
 */
export class TokenSnapshot {
  private rows = new Map<string, TokenRow>();
  private revision: number | null = null;
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** Moved by invalidate(), so a refresh that began before a local change does not count. */
  private generation = 0;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly tokens: Repository<AccessTokenEntity>,
    private readonly kind: AccessTokenKind,
    private readonly maxAgeMs = 1_000,
  ) {}

  async find(hash: string): Promise<TokenRow | undefined> {
    // A refresh that a local change overtook stores nothing: wait for one that began after it.
    while (Date.now() - this.checkedAt >= this.maxAgeMs) {
      this.checking ??= this.refresh().finally(() => (this.checking = null));
      await this.checking;
    }
    return this.rows.get(hash);
  }

  /** After a change made here: the next find reads the revision again, and so the tokens. */
  invalidate(): void {
    this.generation += 1;
    this.revision = null;
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }

  private async refresh(): Promise<void> {
    const started = Date.now();
    const generation = this.generation;
    const parameter = this.tokens.manager.connection.driver.createParameter('kind', 0);
    const [current] = await this.tokens.query<{ revision: number | string }[]>(
      `SELECT revision FROM access_token_revisions WHERE kind = ${parameter}`,
      [this.kind],
    );
    const revision = Number(current?.revision ?? 0);
    const rows =
      revision === this.revision
        ? null
        : await this.tokens.query<TokenRow[]>(
            `SELECT ${TOKEN_COLUMNS} FROM access_tokens WHERE kind = ${parameter}`,
            [this.kind],
          );
    if (generation !== this.generation) {
      return;
    }
    if (rows) {
      this.rows = new Map(rows.map((row) => [row.token_hash, row]));
    }
    this.revision = revision;
    this.checkedAt = started;
  }
}
