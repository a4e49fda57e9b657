import type { AuditResult } from '@archnest/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { errorReason } from '../common/errors/error-reason';
import { AuditEntryEntity } from './audit-entry.entity';
import { AuditPageResponse, AuditQueryDto, toAuditEntryResponse } from './audit.dto';

export interface AuditRecord {
  actor: string;
  action: string;
  target: string;
  result: AuditResult;
  /** Free text for the operator; never put a secret here. */
  detail?: string;
}

/** One audited piece of work: who did what to which target, and what context to keep. */
export interface AuditedWork {
  actor: string;
  action: string;
  target: string;
  /** Context written before the outcome, e.g. `hostId=…`; never a secret. */
  context?: string;
}

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>,
  ) {}

  async record(record: AuditRecord): Promise<void> {
    await this.entries.insert({ ...record, detail: record.detail ?? null, at: new Date() });
  }

  /**
   * Runs `work` and records its outcome once: success with `describe(result)` (default `done`),
   * or failure with `error: <reason>` before the error is rethrown.
   */
  async recordOutcome<T>(
    { actor, action, target, context }: AuditedWork,
    work: () => Promise<T>,
    describe: (result: T) => string = () => 'done',
  ): Promise<T> {
    const detail = (outcome: string) => (context ? `${context} ${outcome}` : outcome);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      const failure = detail(`error: ${errorReason(error)}`);
      await this.record({ actor, action, target, result: 'failure', detail: failure });
      throw error;
    }
    await this.record({
      actor,
      action,
      target,
      result: 'success',
      detail: detail(describe(result)),
    });
    return result;
  }

  async list({ page, pageSize }: AuditQueryDto): Promise<AuditPageResponse> {
    const [items, total] = await this.entries.findAndCount({
      order: { id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items: items.map(toAuditEntryResponse), total, page, pageSize };
  }
}
