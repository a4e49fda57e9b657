import type { AuditEntry, AuditResult, Page } from '@archnest/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { AuditEntryEntity } from './audit-entry.entity';

export class AuditQueryDto {
  @ApiProperty({ type: 'integer', required: false, minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page = 1;

  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize = 50;
}

export class AuditEntryResponse implements AuditEntry {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'Username that acted' }) actor!: string;
  @ApiProperty({ example: 'user.create' }) action!: string;
  @ApiProperty({ example: 'user:alice' }) target!: string;
  @ApiProperty({ enum: ['success', 'failure'] }) result!: AuditResult;
  @ApiProperty({ type: String, nullable: true }) detail!: string | null;
}

export class AuditPageResponse implements Page<AuditEntry> {
  @ApiProperty({ type: [AuditEntryResponse] }) items!: AuditEntryResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export function toAuditEntryResponse(entry: AuditEntryEntity): AuditEntryResponse {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    result: entry.result,
    detail: entry.detail,
  };
}
