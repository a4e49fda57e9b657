import { Injectable } from '@nestjs/common';
import type { AgentReportEntity } from './agent-report.entity';
import { AgentReportsRepository } from './agent-reports.repository';
import type { AgentStatsEntity } from './agent-stats.entity';

/** How long the first report of a batch waits for others while the database is idle. */
export const BATCH_WINDOW_MS = 2;
/** A batch holds at most this many reports, and this many bytes of inventory JSON. */
export const MAX_BATCH_REPORTS = 64;
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;

type Job =
  | { kind: 'full'; row: AgentReportEntity; settle: Settle<void> }
  | { kind: 'steady'; row: AgentStatsEntity; settle: Settle<boolean> };

interface Settle<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit of agent reports: reports that arrive while a batch is being written, or within
 * BATCH_WINDOW_MS of the first one, are written together, the full ones in one statement and
 * the steady ones in one more. A report is acknowledged only once its batch is stored; if any
 * statement of a batch fails, every report of the batch fails with that error (a 503 with
 * Retry-After for a storage fault), so nothing acknowledged is lost.
 */
@Injectable()
export class AgentReportWriter {
  private queue: Job[] = [];
  private timer?: NodeJS.Timeout;
  private writing = false;

  constructor(private readonly reports: AgentReportsRepository) {}

  /** Resolves once the report is stored as the latest of its host. */
  writeFull(row: AgentReportEntity): Promise<void> {
    return new Promise((resolve, reject) =>
      this.enqueue({ kind: 'full', row, settle: { resolve, reject } }),
    );
  }

  /** Resolves true once stored, false when the host's stored inventory has another digest. */
  writeSteady(row: AgentStatsEntity): Promise<boolean> {
    return new Promise((resolve, reject) =>
      this.enqueue({ kind: 'steady', row, settle: { resolve, reject } }),
    );
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    if (this.writing) {
      return; // the batch in flight starts the next one when it is done
    }
    if (this.queue.length >= MAX_BATCH_REPORTS) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.writeBatch();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.writeBatch();
      }, BATCH_WINDOW_MS);
    }
  }

  private async writeBatch(): Promise<void> {
    const batch = this.takeBatch();
    if (batch.length === 0) {
      return;
    }
    this.writing = true;
    try {
      await this.write(batch);
    } finally {
      this.writing = false;
      if (this.queue.length > 0) {
        void this.writeBatch();
      }
    }
  }

  /**
   * The oldest reports, one per host (a later report of a host waits for the next batch, so
   * each host's reports are stored in the order they came), within the batch bounds.
   */
  private takeBatch(): Job[] {
    const batch: Job[] = [];
    const later: Job[] = [];
    const hosts = new Set<string>();
    let bytes = 0;
    for (const job of this.queue) {
      const size = job.kind === 'full' ? job.row.reportJson.length : job.row.statsJson.length;
      const full =
        batch.length >= MAX_BATCH_REPORTS || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES);
      if (full || hosts.has(job.row.hostId)) {
        later.push(job);
      } else {
        batch.push(job);
        hosts.add(job.row.hostId);
        bytes += size;
      }
    }
    this.queue = later;
    return batch;
  }

  private async write(batch: readonly Job[]): Promise<void> {
    const fulls: Extract<Job, { kind: 'full' }>[] = [];
    const steadies: Extract<Job, { kind: 'steady' }>[] = [];
    for (const job of batch) {
      if (job.kind === 'full') {
        fulls.push(job);
      } else {
        steadies.push(job);
      }
    }
    let stored: Set<string>;
    try {
      await this.reports.upsertReports(fulls.map((job) => job.row));
      stored = await this.reports.saveSteadyStats(steadies.map((job) => job.row));
    } catch (error) {
      for (const job of batch) {
        job.settle.reject(error);
      }
      return;
    }
    for (const job of fulls) {
      job.settle.resolve();
    }
    for (const job of steadies) {
      job.settle.resolve(stored.has(job.row.hostId));
    }
  }
}
