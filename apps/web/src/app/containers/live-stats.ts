import { Injectable, inject, signal } from '@angular/core';
import type { ContainerStats } from '@archnest/contracts';
import { ContainersApi } from './containers-api';
import { can, type ContainerRow } from './sources';

/** How many stats snapshots run at once (each costs the engine about a second). */
const CONCURRENCY = 3;

export type LiveStat = ContainerStats | 'pending' | 'failed';

/**
 * Stats for the rows on screen. Agent rows carry their reported stats; Docker API and SSH lists
 * do not (a snapshot per container is too slow for a whole list), so this fetches one snapshot
 * per visible running container, a few at a time, and again once it is older than `maxAgeMs`.
 */
@Injectable()
export class LiveStats {
  private readonly api = inject(ContainersApi);
  private readonly state = signal<ReadonlyMap<string, LiveStat>>(new Map());
  private readonly fetchedAt = new Map<string, number>();
  private queue: ContainerRow[] = [];
  private running = 0;
  private disposed = false;

  maxAgeMs = 10_000;

  /** The row's own stats, else the fetched snapshot, else null. */
  of(row: ContainerRow): LiveStat | null {
    return row.stats ?? this.state().get(row.key) ?? null;
  }

  /** Asks for snapshots of the visible rows that need one. */
  request(rows: readonly ContainerRow[], now = Date.now()): void {
    const wanted = rows.filter(
      (row) =>
        row.stats === null &&
        row.state === 'running' &&
        can(row, 'stats') &&
        this.state().get(row.key) !== 'pending' &&
        now - (this.fetchedAt.get(row.key) ?? 0) >= this.maxAgeMs,
    );
    const visible = new Set(rows.map((row) => row.key));
    // Rows that paged away are not worth a snapshot any more.
    for (const row of this.queue.filter((queued) => !visible.has(queued.key))) {
      this.forget(row.key);
    }
    this.queue = this.queue.filter((row) => visible.has(row.key));
    for (const row of wanted) {
      this.fetchedAt.set(row.key, now);
      this.set(row.key, this.state().get(row.key) ?? 'pending');
      this.queue.push(row);
    }
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    this.queue = [];
  }

  private pump(): void {
    while (!this.disposed && this.running < CONCURRENCY && this.queue.length > 0) {
      const row = this.queue.shift()!;
      this.running++;
      void this.api
        .stats({ source: row.source, hostId: row.hostId, id: row.id })
        .then(
          (stats) => this.set(row.key, stats),
          () => this.set(row.key, 'failed'),
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private forget(key: string): void {
    this.fetchedAt.delete(key);
    if (this.state().get(key) === 'pending') {
      this.state.update((map) => {
        const next = new Map(map);
        next.delete(key);
        return next;
      });
    }
  }

  private set(key: string, value: LiveStat): void {
    if (!this.disposed) {
      this.state.update((map) => new Map(map).set(key, value));
    }
  }
}
