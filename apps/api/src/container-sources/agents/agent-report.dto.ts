import {
  AGENT_HOST_ID_PATTERN,
  AGENT_REPORT_SCHEMA_VERSION,
  HEALTH_STATES,
  STEADY_STATS_FIELDS,
  type AgentContainer,
  type AgentContainerStats,
  type AgentReport,
  type AgentSteadyContainer,
  type AgentSteadyReport,
  type SteadyStats,
  type ContainerState,
  type EnvVar,
  type HealthState,
  type Mount,
  type NetworkAttachment,
  type PortBinding,
} from '@archnest/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Nullable } from '../../common/validation/nullable.decorator';
import { IsStringRecord } from './is-string-record';

/** The states the agent may report (docs/docker-agent-monitoring.md). */
export const AGENT_CONTAINER_STATES = [
  'running',
  'exited',
  'paused',
  'created',
  'restarting',
  'dead',
] as const satisfies readonly ContainerState[];

export const REPORT_LIMITS = {
  containers: 2000,
  listEntries: 500,
  labels: 500,
  shortText: 256,
  text: 1024,
  longText: 16_384,
} as const;

export class PortDto implements PortBinding {
  @ApiProperty({ type: String, nullable: true, example: '0.0.0.0' })
  @Nullable()
  @IsString()
  @MaxLength(64)
  hostIp!: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 8080 })
  @Nullable()
  @IsInt()
  @Min(0)
  @Max(65535)
  hostPort!: number | null;

  @ApiProperty({ example: 80 })
  @IsInt()
  @Min(0)
  @Max(65535)
  containerPort!: number;

  @ApiProperty({ enum: ['tcp', 'udp', 'sctp'], example: 'tcp' })
  @IsIn(['tcp', 'udp', 'sctp'])
  proto!: 'tcp' | 'udp' | 'sctp';
}

export class NetworkDto implements NetworkAttachment {
  @ApiProperty({ example: 'bridge' })
  @IsString()
  @MaxLength(REPORT_LIMITS.shortText)
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: '172.17.0.2' })
  @Nullable()
  @IsString()
  @MaxLength(64)
  ip!: string | null;
}

export class MountDto implements Mount {
  @ApiProperty({ example: 'volume' })
  @IsString()
  @MaxLength(32)
  type!: string;

  @ApiProperty({ example: 'myapp_data' })
  @IsString()
  @MaxLength(REPORT_LIMITS.text)
  source!: string;

  @ApiProperty({ example: '/data' })
  @IsString()
  @MaxLength(REPORT_LIMITS.text)
  destination!: string;

  @ApiProperty({ example: true })
  @IsBoolean()
  rw!: boolean;
}

export class EnvVarDto implements EnvVar {
  @ApiProperty({ example: 'NODE_ENV' })
  @IsString()
  @MaxLength(REPORT_LIMITS.shortText)
  key!: string;

  @ApiProperty({ example: 'production', description: 'Secret-looking keys arrive and stay masked' })
  @IsString()
  @MaxLength(REPORT_LIMITS.longText)
  value!: string;
}

export class ContainerStatsDto implements AgentContainerStats {
  @ApiProperty({ example: 1.4 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  cpuPercent!: number;

  @ApiProperty({ example: 20971520 }) @IsInt() @Min(0) memUsage!: number;
  @ApiProperty({ example: 536870912 }) @IsInt() @Min(0) memLimit!: number;
  @ApiProperty({ example: 12345 }) @IsInt() @Min(0) netRxBytes!: number;
  @ApiProperty({ example: 67890 }) @IsInt() @Min(0) netTxBytes!: number;
  @ApiProperty({ example: 0 }) @IsInt() @Min(0) blockReadBytes!: number;
  @ApiProperty({ example: 0 }) @IsInt() @Min(0) blockWriteBytes!: number;
}

export class AgentContainerDto implements AgentContainer {
  @ApiProperty({
    description: 'Full 64-hex container id',
    example: '4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b',
  })
  @Matches(/^[a-f0-9]{64}$/, { message: 'id must be a full 64-character lowercase hex id' })
  id!: string;

  @ApiProperty({ example: 'myapp' })
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/, {
    message: 'name must follow Docker container name rules',
  })
  name!: string;

  @ApiProperty({ example: 'nginx:1.27' }) @IsString() @MaxLength(REPORT_LIMITS.text) image!: string;
  @ApiProperty({
    example: 'sha256:0d2a5c9e4b7f1a3c6e8d0b2f4a6c8e0d2b4f6a8c0e2d4b6f8a0c2e4d6b8f0a2c',
  })
  @IsString()
  @MaxLength(REPORT_LIMITS.shortText)
  imageId!: string;

  @ApiProperty({ enum: AGENT_CONTAINER_STATES, example: 'running' })
  @IsIn(AGENT_CONTAINER_STATES)
  state!: ContainerState;

  @ApiProperty({ example: 'Up 3 hours' })
  @IsString()
  @MaxLength(REPORT_LIMITS.shortText)
  status!: string;
  @ApiProperty({ format: 'date-time', example: '2026-06-20T16:30:00Z' })
  @IsISO8601({ strict: true })
  createdAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-06-20T16:30:01Z',
  })
  @Nullable()
  @IsISO8601({ strict: true })
  startedAt!: string | null;

  @ApiProperty({ example: 0 }) @IsInt() @Min(0) restartCount!: number;
  @ApiProperty({ example: 'unless-stopped' }) @IsString() @MaxLength(64) restartPolicy!: string;
  @ApiProperty({ enum: HEALTH_STATES, example: 'healthy' })
  @IsIn(HEALTH_STATES)
  health!: HealthState;

  @ApiProperty({ type: [PortDto] })
  @IsArray()
  @ArrayMaxSize(REPORT_LIMITS.listEntries)
  @ValidateNested({ each: true })
  @Type(() => PortDto)
  ports!: PortDto[];

  @ApiProperty({ type: [NetworkDto] })
  @IsArray()
  @ArrayMaxSize(REPORT_LIMITS.listEntries)
  @ValidateNested({ each: true })
  @Type(() => NetworkDto)
  networks!: NetworkDto[];

  @ApiProperty({ type: [MountDto] })
  @IsArray()
  @ArrayMaxSize(REPORT_LIMITS.listEntries)
  @ValidateNested({ each: true })
  @Type(() => MountDto)
  mounts!: MountDto[];

  @ApiProperty({ type: [EnvVarDto] })
  @IsArray()
  @ArrayMaxSize(REPORT_LIMITS.listEntries)
  @ValidateNested({ each: true })
  @Type(() => EnvVarDto)
  env!: EnvVarDto[];

  @ApiProperty({ example: "nginx -g 'daemon off;'" })
  @IsString()
  @MaxLength(REPORT_LIMITS.longText)
  command!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'com.docker.compose.project': 'myapp' },
  })
  @IsObject()
  @IsStringRecord({
    maxEntries: REPORT_LIMITS.labels,
    maxKeyLength: REPORT_LIMITS.text,
    maxValueLength: REPORT_LIMITS.longText,
  })
  labels!: Record<string, string>;

  @ApiProperty({ type: ContainerStatsDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContainerStatsDto)
  stats!: ContainerStatsDto | null;
}

/** The host fields every report carries, full or steady. */
export class AgentReportHostDto {
  @ApiProperty({ example: 'proxmox-vm-1', pattern: AGENT_HOST_ID_PATTERN.source })
  @Matches(AGENT_HOST_ID_PATTERN, {
    message: 'hostId must be 1-128 letters, digits, dots, dashes or underscores',
  })
  hostId!: string;

  @ApiProperty({ example: 'docker01' })
  @IsString()
  @MaxLength(REPORT_LIMITS.shortText)
  hostname!: string;
  @ApiProperty({ example: '2' }) @IsString() @MaxLength(32) agentVersion!: string;
  @ApiProperty({ format: 'date-time', example: '2026-06-20T19:30:00Z' })
  @IsISO8601({ strict: true })
  reportedAt!: string;
}

const DIGEST_PATTERN = /^[a-f0-9]{64}$/;
const DIGEST_DESCRIPTION =
  'SHA-256 (64 lowercase hex) the agent computed over everything but the stats; the server ' +
  'keeps it beside the inventory and answers a steady report with another digest with 409';

/**
 * A full report: every container with its inventory and stats. Version 1 agents send it
 * without `schemaVersion`, `kind` and `inventoryDigest`.
 */
export class AgentReportDto extends AgentReportHostDto implements AgentReport {
  @ApiProperty({ enum: [1, AGENT_REPORT_SCHEMA_VERSION], required: false, example: 2 })
  @IsOptional()
  @IsIn([1, AGENT_REPORT_SCHEMA_VERSION])
  schemaVersion?: 1 | 2;

  @ApiProperty({ enum: ['full'], required: false, example: 'full' })
  @IsOptional()
  @IsIn(['full'])
  kind?: 'full';

  @ApiProperty({ required: false, pattern: DIGEST_PATTERN.source, description: DIGEST_DESCRIPTION })
  @IsOptional()
  @Matches(DIGEST_PATTERN, { message: 'inventoryDigest must be 64 lowercase hex characters' })
  inventoryDigest?: string;

  @ApiProperty({ type: [AgentContainerDto] })
  @IsArray()
  @ArrayMaxSize(REPORT_LIMITS.containers)
  @ValidateNested({ each: true })
  @Type(() => AgentContainerDto)
  containers!: AgentContainerDto[];
}

export class AgentSteadyContainerDto implements AgentSteadyContainer {
  @ApiProperty({
    description: 'The container id or a prefix of it: 12 to 64 hex',
    example: '4f3c2b1a0e9d',
  })
  @Matches(/^[a-f0-9]{12,64}$/, { message: 'id must be 12 to 64 lowercase hex characters' })
  id!: string;

  @ApiProperty({ example: 'Up 3 hours', description: "Docker's status text, not in the digest" })
  @IsString()
  @MaxLength(REPORT_LIMITS.shortText)
  status!: string;

  @ApiProperty({
    type: [Number],
    nullable: true,
    minItems: STEADY_STATS_FIELDS.length,
    maxItems: STEADY_STATS_FIELDS.length,
    description: `The stats in this order: ${STEADY_STATS_FIELDS.join(', ')}`,
    example: [1.4, 20971520, 536870912, 12345, 67890, 0, 0],
  })
  @Nullable()
  @IsArray()
  @ArrayMinSize(STEADY_STATS_FIELDS.length)
  @ArrayMaxSize(STEADY_STATS_FIELDS.length)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  @Min(0, { each: true })
  stats!: SteadyStats | null;
}

/** A steady report: the inventory is the one of `inventoryDigest`, only the stats are new. */
export class AgentSteadyReportDto extends AgentReportHostDto implements AgentSteadyReport {
  @ApiProperty({ enum: [AGENT_REPORT_SCHEMA_VERSION], example: 2 })
  @IsIn([AGENT_REPORT_SCHEMA_VERSION])
  schemaVersion!: 2;

  @ApiProperty({ enum: ['steady'], example: 'steady' })
  @IsIn(['steady'])
  kind!: 'steady';

  @ApiProperty({ pattern: DIGEST_PATTERN.source, description: DIGEST_DESCRIPTION })
  @Matches(DIGEST_PATTERN, { message: 'inventoryDigest must be 64 lowercase hex characters' })
  inventoryDigest!: string;

  @ApiProperty({ type: [AgentSteadyContainerDto] })
  @IsArray()
  @ArrayMaxSize(REPORT_LIMITS.containers)
  @ValidateNested({ each: true })
  @Type(() => AgentSteadyContainerDto)
  containers!: AgentSteadyContainerDto[];
}
