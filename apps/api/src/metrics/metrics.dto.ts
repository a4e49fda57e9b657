import {
  METRICS_RANGES,
  type HostMetricsPoint,
  type MetricsHistory,
  type MetricsPoint,
  type MetricsRange,
} from '@archnest/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** Checked together (one may not come without the other) by metricsWindow, naming the field. */
export class MetricsQuery {
  @ApiProperty({ required: false, enum: METRICS_RANGES, default: '1h' })
  @IsOptional()
  @IsString({ message: `range must be one of ${METRICS_RANGES.join(', ')}` })
  range?: string;

  @ApiProperty({ required: false, format: 'date-time', description: 'Instead of range' })
  @IsOptional()
  @IsString({ message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiProperty({ required: false, format: 'date-time', description: 'With from; default now' })
  @IsOptional()
  @IsString({ message: 'to must be an ISO 8601 time' })
  to?: string;
}

const rate = (what: string) =>
  ApiProperty({ type: Number, nullable: true, description: `${what}, bytes per second` });

export class MetricsPointResponse implements MetricsPoint {
  @ApiProperty({ format: 'date-time', description: 'Start of the step' }) t!: string;
  @ApiProperty({ type: Number, nullable: true, description: '100 = one full CPU core' })
  cpuPercent!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Bytes' }) memUsage!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Bytes' }) memLimit!: number | null;
  @rate('Network received') netRxBytesPerSec!: number | null;
  @rate('Network sent') netTxBytesPerSec!: number | null;
  @rate('Block device read') blockReadBytesPerSec!: number | null;
  @rate('Block device written') blockWriteBytesPerSec!: number | null;
}

export class HostMetricsPointResponse extends MetricsPointResponse implements HostMetricsPoint {
  @ApiProperty({ type: Number, nullable: true, description: 'Containers sampled in the step' })
  running!: number | null;
}

class HistoryFields {
  @ApiProperty({ enum: [...METRICS_RANGES, 'custom'] }) range!: MetricsRange | 'custom';
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive' }) to!: string;
  @ApiProperty({ description: 'Seconds per point' }) step!: number;
}

export class MetricsHistoryResponse extends HistoryFields implements MetricsHistory {
  @ApiProperty({ type: [MetricsPointResponse], description: 'One per step; nulls are gaps' })
  points!: MetricsPointResponse[];
}

export class HostMetricsHistoryResponse
  extends HistoryFields
  implements MetricsHistory<HostMetricsPoint>
{
  @ApiProperty({ type: [HostMetricsPointResponse], description: 'One per step; nulls are gaps' })
  points!: HostMetricsPointResponse[];
}
