import type { Repository } from 'typeorm';
import type { AccessTokenEntity } from './access-token.entity';

interface Use {
  at: Date;
  address: string | null;
}

/** Rows a flush writes at most in one statement. */
const FLUSH_ROWS = 500;

/**
 * lastUsedAt and the last source address, written once a second for all tokens used since, in
 * one statement: ingest stays one write per report batch, not one more per report.
 */
export class TokenUsage {
  private pending = new Map<string, Use>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly tokens: Repository<AccessTokenEntity>,
    intervalMs = 1_000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  note(id: string, address: string | null): void {
    this.pending.set(id, { at: new Date(), address });
  }

  /** Writes what is pending; a failed write is dropped (usage is informative, not audit). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write()).catch(() => undefined);
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    const uses = [...this.pending];
    this.pending = new Map();
    for (let start = 0; start < uses.length; start += FLUSH_ROWS) {
      await this.update(uses.slice(start, start + FLUSH_ROWS));
    }
  }

  private async update(uses: [string, Use][]): Promise<void> {
    const { driver } = this.tokens.manager.connection;
    const column = this.tokens.metadata.findColumnWithPropertyName('lastUsedAt')!;
    const cast = driver.options.type === 'postgres' ? '::timestamptz' : '';
    const tuples = uses.map((_, row) => {
      const [id, at, address] = [0, 1, 2].map((i) => driver.createParameter(`p${i}`, row * 3 + i));
      return `(${id}, ${at}${cast}, ${address})`;
    });
    const values = uses.flatMap(([id, use]): unknown[] => [
      id,
      driver.preparePersistentValue(use.at, column) as unknown,
      use.address,
    ]);
    await this.tokens.query(
      `WITH v (id, at, address) AS (VALUES ${tuples.join(', ')}) ` +
        'UPDATE access_tokens SET last_used_at = v.at, last_address = v.address ' +
        'FROM v WHERE access_tokens.id = v.id',
      values,
    );
  }
}
