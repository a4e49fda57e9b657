import {
  ALERT_KINDS,
  type AlertKind,
  type AlertRule,
  type AlertScope,
  type CreateAlertRule,
  SOURCE_KINDS,
  type SourceKind,
} from '@archnest/contracts';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsTokenName } from '../../access-tokens/access-token.dto';
import { Nullable } from '../../common/validation/nullable.decorator';
import type { AlertRuleEntity } from './alert-rule.entity';

/** A container-name glob: Docker name characters plus `*` and `?`. */
const CONTAINER_GLOB = /^[a-zA-Z0-9_.*?-]{1,256}$/;
const HOST_ID = /^[a-zA-Z0-9_.-]{1,128}$/;

export class AlertScopeDto implements AlertScope {
  @ApiPropertyOptional({ enum: SOURCE_KINDS })
  @IsOptional()
  @IsIn(SOURCE_KINDS, { message: `scope.source must be one of ${SOURCE_KINDS.join(', ')}` })
  source?: SourceKind;

  @ApiPropertyOptional({ example: 'proxmox-vm-1', description: 'A host id of that source' })
  @IsOptional()
  @IsString({ message: 'scope.hostId must be a string' })
  @Matches(HOST_ID, {
    message: 'scope.hostId must be 1-128 letters, digits, dots, dashes or underscores',
  })
  hostId?: string;

  @ApiPropertyOptional({ example: 'web-*', description: 'Container-name glob: * and ?' })
  @IsOptional()
  @IsString({ message: 'scope.container must be a string' })
  @Matches(CONTAINER_GLOB, {
    message: 'scope.container must be a glob of container-name characters, * and ?',
  })
  container?: string;
}

export class CreateAlertRuleDto implements CreateAlertRule {
  @ApiProperty({ example: 'web must run', maxLength: 128 })
  @IsTokenName()
  name!: string;

  @ApiProperty({ enum: ALERT_KINDS })
  @IsIn(ALERT_KINDS, { message: `kind must be one of ${ALERT_KINDS.join(', ')}` })
  kind!: AlertKind;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Channels notified' })
  @IsArray({ message: 'channelIds must be an array of channel ids' })
  @ArrayMaxSize(20, { message: 'channelIds must hold at most 20 channels' })
  @IsUUID('all', { each: true, message: 'channelIds must hold channel ids (UUIDs)' })
  channelIds!: string[];

  @ApiPropertyOptional({ type: AlertScopeDto, nullable: true })
  @IsOptional()
  @Nullable()
  @ValidateNested()
  @Type(() => AlertScopeDto)
  scope?: AlertScopeDto | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'restart-loop: restarts (default 3); cpu-above / memory-above: percent',
  })
  @IsOptional()
  @Nullable()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'threshold must be a number' })
  @Min(0, { message: 'threshold must be 0 or more' })
  @Max(100_000, { message: 'threshold must be at most 100000' })
  threshold?: number | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 86_400 })
  @IsOptional()
  @IsInt({ message: 'forSeconds must be a whole number of seconds from 0 to 86400' })
  @Min(0, { message: 'forSeconds must be a whole number of seconds from 0 to 86400' })
  @Max(86_400, { message: 'forSeconds must be a whole number of seconds from 0 to 86400' })
  forSeconds?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

export class UpdateAlertRuleDto extends PartialType(CreateAlertRuleDto) {}

export class AlertIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

export class AlertRuleResponse implements AlertRule {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ALERT_KINDS }) kind!: AlertKind;
  @ApiProperty({ type: [String] }) channelIds!: string[];
  @ApiProperty({ type: AlertScopeDto, nullable: true }) scope!: AlertScope | null;
  @ApiProperty({ type: Number, nullable: true }) threshold!: number | null;
  @ApiProperty() forSeconds!: number;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export function toAlertRuleResponse(rule: AlertRuleEntity): AlertRuleResponse {
  return {
    id: rule.id,
    name: rule.name,
    kind: rule.kind,
    channelIds: JSON.parse(rule.channelIds) as string[],
    scope: rule.scopeJson ? (JSON.parse(rule.scopeJson) as AlertScope) : null,
    threshold: rule.threshold,
    forSeconds: rule.forSeconds,
    enabled: rule.enabled,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}
