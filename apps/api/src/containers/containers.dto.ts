import {
  CAPABILITIES,
  CONTAINER_STATES,
  HEALTH_STATES,
  LOG_TAIL_DEFAULT,
  LOG_TAIL_MAX,
  SOURCE_KINDS,
  type AllContainers,
  type Capability,
  type ContainerDetail,
  type ContainerHost,
  type ContainerLogs,
  type EnvVar,
  type ContainerState,
  type ContainerStats,
  type ContainerSummary,
  type HealthState,
  type HostContainer,
  type HostFailure,
  type HostStatus,
  type LogLine,
  type Mount,
  type NetworkAttachment,
  type PortBinding,
  type SourceKind,
} from '@archnest/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { IsContainerRef } from '../container-sources/container-ref';
import type { LogOptions } from '../container-sources/container-source';
import { RFC3339_TIME } from '../container-sources/logs/log-lines';

/** "true"/"false" from a query string; anything else is left for @IsBoolean to refuse. */
function queryBoolean({ value }: { value: unknown }): unknown {
  return value === 'true' ? true : value === 'false' ? false : value;
}

export const HOST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export class HostParams {
  @ApiProperty({ enum: SOURCE_KINDS })
  @IsIn(SOURCE_KINDS)
  source!: SourceKind;

  @ApiProperty({ pattern: HOST_ID_PATTERN.source })
  @Matches(HOST_ID_PATTERN, {
    message: 'hostId must be 1-128 letters, digits, dots, dashes or underscores',
  })
  hostId!: string;
}

export class ContainerParams extends HostParams {
  @ApiProperty({ description: 'Container name or 12-64 hex id' })
  @IsContainerRef()
  ref!: string;
}

export class LogsQuery {
  @ApiProperty({ required: false, minimum: 1, maximum: LOG_TAIL_MAX, default: LOG_TAIL_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LOG_TAIL_MAX)
  tail: number = LOG_TAIL_DEFAULT;

  @ApiProperty({ required: false, type: Boolean, default: true })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean({ message: 'timestamps must be true or false' })
  timestamps = true;

  @ApiProperty({ required: false, description: 'Only lines written at or after this ISO time' })
  @IsOptional()
  @Matches(RFC3339_TIME, { message: 'since must be an ISO 8601 time' })
  since?: string;

  @ApiProperty({ required: false, description: 'Only lines written before this ISO time' })
  @IsOptional()
  @Matches(RFC3339_TIME, { message: 'until must be an ISO 8601 time' })
  until?: string;
}

/** An RFC 3339 time the calendar knows (the pattern lets 2026-13-45 through). */
function logTime(name: 'since' | 'until', value: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    throw new AppError(ErrorCode.BadRequest, `${name} must be an ISO 8601 time`);
  }
  return time;
}

/** The query as a source takes it; a window that ends before it starts is a 400 on `until`. */
export function logOptions({ tail, timestamps, since, until }: LogsQuery): LogOptions {
  const from = since === undefined ? undefined : logTime('since', since);
  const to = until === undefined ? undefined : logTime('until', until);
  if (from && to && to <= from) {
    throw new AppError(ErrorCode.BadRequest, 'until must be after since');
  }
  return { tail, timestamps, ...(from ? { since: from } : {}), ...(to ? { until: to } : {}) };
}

export class RemoveQuery {
  @ApiProperty({ required: false, default: false, description: 'Remove a running container too' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  force = false;
}

export class ContainerHostResponse implements ContainerHost {
  @ApiProperty({ enum: SOURCE_KINDS }) source!: SourceKind;
  @ApiProperty() hostId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['online', 'stale', 'unreachable', 'unknown'] }) status!: HostStatus;
  @ApiProperty({ type: Number, nullable: true }) containerCount!: number | null;
  @ApiProperty({ enum: CAPABILITIES, isArray: true }) capabilities!: Capability[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSeenAt!: string | null;
}

export class PortResponse implements PortBinding {
  @ApiProperty({ type: String, nullable: true, example: '0.0.0.0' }) hostIp!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 8080 }) hostPort!: number | null;
  @ApiProperty({ example: 80 }) containerPort!: number;
  @ApiProperty({ enum: ['tcp', 'udp', 'sctp'] }) proto!: PortBinding['proto'];
}

export class NetworkResponse implements NetworkAttachment {
  @ApiProperty({ example: 'bridge' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: '172.17.0.2' }) ip!: string | null;
}

export class MountResponse implements Mount {
  @ApiProperty({ example: 'volume' }) type!: string;
  @ApiProperty({ example: 'web_data' }) source!: string;
  @ApiProperty({ example: '/data' }) destination!: string;
  @ApiProperty() rw!: boolean;
}

export class EnvVarResponse implements EnvVar {
  @ApiProperty({ example: 'DB_PASSWORD' }) key!: string;
  @ApiProperty({ example: '********', description: 'Secret-looking keys are masked' })
  value!: string;
}

export class ContainerStatsResponse implements ContainerStats {
  @ApiProperty({ type: Number, nullable: true, description: '100 = one full CPU core' })
  cpuPercent!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Bytes, without reclaimable cache' })
  memUsage!: number | null;
  @ApiProperty({ type: Number, nullable: true }) memLimit!: number | null;
  @ApiProperty({ type: Number, nullable: true }) netRxBytes!: number | null;
  @ApiProperty({ type: Number, nullable: true }) netTxBytes!: number | null;
  @ApiProperty({ type: Number, nullable: true }) blockReadBytes!: number | null;
  @ApiProperty({ type: Number, nullable: true }) blockWriteBytes!: number | null;
}

export class ContainerSummaryResponse implements ContainerSummary {
  @ApiProperty({ description: 'Full 64-hex id' }) id!: string;
  @ApiProperty({ example: 'web' }) name!: string;
  @ApiProperty({ example: 'nginx:1.27' }) image!: string;
  @ApiProperty({ enum: CONTAINER_STATES }) state!: ContainerState;
  @ApiProperty({ example: 'Up 3 hours' }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) createdAt!: string | null;
  @ApiProperty({ type: [PortResponse] }) ports!: PortResponse[];
  @ApiProperty({
    type: ContainerStatsResponse,
    nullable: true,
    description: 'Null in lists; GET …/stats for a snapshot',
  })
  stats!: ContainerStatsResponse | null;
}

export class ContainerDetailResponse extends ContainerSummaryResponse implements ContainerDetail {
  @ApiProperty({ type: String, nullable: true }) imageId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Set once the container stopped' })
  exitCode!: number | null;
  @ApiProperty({ type: Number, nullable: true }) restartCount!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'unless-stopped' })
  restartPolicy!: string | null;
  @ApiProperty({ enum: HEALTH_STATES, nullable: true }) health!: HealthState | null;
  @ApiProperty({ type: [NetworkResponse] }) networks!: NetworkResponse[];
  @ApiProperty({ type: [MountResponse] }) mounts!: MountResponse[];
  @ApiProperty({ type: [EnvVarResponse] }) env!: EnvVarResponse[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  labels!: Record<string, string>;
  @ApiProperty({ type: String, nullable: true, example: "nginx -g 'daemon off;'" })
  command!: string | null;
  @ApiProperty({ type: String, nullable: true }) entrypoint!: string | null;
}

export class LogLineResponse implements LogLine {
  @ApiProperty({ enum: ['stdout', 'stderr'] }) stream!: LogLine['stream'];
  @ApiProperty({ type: String, nullable: true, example: '2026-06-20T19:30:00.123456789Z' })
  timestamp!: string | null;
  @ApiProperty() text!: string;
}

export class ContainerLogsResponse implements ContainerLogs {
  @ApiProperty({ type: [LogLineResponse], description: 'Oldest first' }) lines!: LogLineResponse[];
  @ApiProperty({ description: 'Older lines or an overlong line were cut at the size bound' })
  truncated!: boolean;
}

class HostContainerResponse extends ContainerSummaryResponse implements HostContainer {
  @ApiProperty({ enum: SOURCE_KINDS }) source!: SourceKind;
  @ApiProperty() hostId!: string;
  @ApiProperty() hostName!: string;
}

class HostFailureResponse implements HostFailure {
  @ApiProperty({ enum: SOURCE_KINDS }) source!: SourceKind;
  @ApiProperty() hostId!: string;
  @ApiProperty() message!: string;
}

export class AllContainersResponse implements AllContainers {
  @ApiProperty({ type: [HostContainerResponse] }) containers!: HostContainerResponse[];
  @ApiProperty({ type: [HostFailureResponse] }) failures!: HostFailureResponse[];
}
