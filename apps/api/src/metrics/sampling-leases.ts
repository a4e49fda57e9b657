import { randomUUID } from 'node:crypto';
import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsStore } from './metrics.store';

/** A lease outlives this many missed rounds before another replica takes the host over, */
const LEASE_ROUNDS = 3;
/** and never less than this: a round (a `docker stats` sample) can outlast a short interval. */
const MIN_LEASE_MS = 10_000;

/**
 * Who samples a host when several API processes share one PostgreSQL: the replica holding the
 * host's lease, renewed every round and taken over by another replica once it has run out
 * (LEASE_ROUNDS rounds, at least MIN_LEASE_MS). The embedded SQLite database serves one process: it always holds.
 */
@Injectable()
export class SamplingLeases implements BeforeApplicationShutdown {
  readonly holder = randomUUID();
  private readonly shared: boolean;

  constructor(
    private readonly store: MetricsStore,
    @InjectDataSource() db: DataSource,
  ) {
    this.shared = db.options.type === 'postgres';
  }

  /**
   * Whether this process samples `hostId` this round (every `intervalMs`). When the database
   * cannot tell, sampling goes on (`failOpen`), while work that must not run twice stops.
   */
  async holds(
    source: string,
    hostId: string,
    intervalMs: number,
    { failOpen = true } = {},
  ): Promise<boolean> {
    if (!this.shared) {
      return true;
    }
    const now = Date.now();
    try {
      return await this.store.claimLease(
        source,
        hostId,
        this.holder,
        now,
        now + Math.max(LEASE_ROUNDS * intervalMs, MIN_LEASE_MS),
      );
    } catch {
      // The database is down: sampling goes on as it would without history (the recorder
      // reports the pause); two replicas may both sample until it is back.
      return failOpen;
    }
  }

  /** Hands one lease over now, for work that drains before it lets go (the alerts). */
  async release(source: string, hostId: string): Promise<void> {
    if (this.shared) {
      await this.store.releaseLease(source, hostId, this.holder).catch(() => undefined);
    }
  }

  /**
   * Hands every sampled host over at once instead of after the lease runs out; the `alerts`
   * leases are released by their owners once their work has drained.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.shared) {
      await this.store.releaseLeases(this.holder, 'alerts').catch(() => undefined);
    }
  }
}
