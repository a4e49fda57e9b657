import type { AuditResult } from '@archnest/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
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

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>,
  ) {}

  async record(record: AuditRecord): Promise<void> {
    await this.entries.insert({ ...record, detail: record.detail ?? null, at: new Date() });
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
