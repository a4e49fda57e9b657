import {
  CAPABILITIES,
  SOURCE_KINDS,
  type Capability,
  type ContainerHost,
  type HostStatus,
  type SourceKind,
} from '@archnest/contracts';
import { ApiProperty } from '@nestjs/swagger';

export class ContainerHostResponse implements ContainerHost {
  @ApiProperty({ enum: SOURCE_KINDS }) source!: SourceKind;
  @ApiProperty() hostId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['online', 'stale', 'unreachable', 'unknown'] }) status!: HostStatus;
  @ApiProperty({ type: Number, nullable: true }) containerCount!: number | null;
  @ApiProperty({ enum: CAPABILITIES, isArray: true }) capabilities!: Capability[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSeenAt!: string | null;
}
