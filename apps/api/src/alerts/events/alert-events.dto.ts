import {
  ALERT_KINDS,
  type AlertDelivery,
  type AlertEvent,
  type AlertEventPage,
  type AlertKind,
  type AlertStatus,
  type DeliveryState,
  SOURCE_KINDS,
  type SourceKind,
} from '@archnest/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query integers are decimal digits only (not `0x10`, `1e2` or `0b1`). */
const decimal = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

export class AlertEventsQueryDto {
  @ApiPropertyOptional({ enum: ['firing', 'resolved'] })
  @IsOptional()
  @IsIn(['firing', 'resolved'], { message: 'status must be firing or resolved' })
  status?: AlertStatus;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1 })
  @IsOptional()
  @Transform(decimal)
  @IsInt({ message: 'page must be a whole number from 1' })
  @Min(1, { message: 'page must be a whole number from 1' })
  page = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(decimal)
  @IsInt({ message: 'pageSize must be a whole number from 1 to 200' })
  @Min(1, { message: 'pageSize must be a whole number from 1 to 200' })
  @Max(200, { message: 'pageSize must be a whole number from 1 to 200' })
  pageSize = 50;
}

export class AlertDeliveryResponse implements AlertDelivery {
  @ApiProperty({ format: 'uuid' }) channelId!: string;
  @ApiProperty() channelName!: string;
  @ApiProperty({ enum: ['firing', 'resolved'] }) transition!: AlertStatus;
  @ApiProperty({ enum: ['pending', 'sent', 'failed'] }) state!: DeliveryState;
  @ApiProperty() tries!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextAttemptAt!: string | null;
}

export class AlertEventResponse implements AlertEvent {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['firing', 'resolved'] }) status!: AlertStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ruleId!: string | null;
  @ApiProperty({ description: 'The rule name' }) rule!: string;
  @ApiProperty({ enum: ALERT_KINDS }) kind!: AlertKind;
  @ApiProperty({ enum: SOURCE_KINDS }) source!: SourceKind;
  @ApiProperty() hostId!: string;
  @ApiProperty({ description: 'The host name' }) host!: string;
  @ApiProperty({ type: String, nullable: true }) container!: string | null;
  @ApiProperty() message!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endsAt!: string | null;
  @ApiProperty({ type: [AlertDeliveryResponse] }) deliveries!: AlertDeliveryResponse[];
}

export class AlertEventPageResponse implements AlertEventPage {
  @ApiProperty({ type: [AlertEventResponse] }) items!: AlertEventResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty({ description: 'Events firing now, over every page' }) firing!: number;
}
