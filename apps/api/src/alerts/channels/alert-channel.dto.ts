import {
  type AlertChannel,
  CHANNEL_TYPES,
  type ChannelTestResult,
  type ChannelType,
  type CreateAlertChannel,
} from '@archnest/contracts';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsTokenName } from '../../access-tokens/access-token.dto';
import { Nullable } from '../../common/validation/nullable.decorator';

export class EmailSettingsDto {
  @ApiProperty({ example: 'archnest@example.com' })
  @IsEmail({}, { message: 'email.from must be an e-mail address' })
  from!: string;

  @ApiProperty({ type: [String], example: ['ops@example.com'] })
  @IsArray({ message: 'email.to must be a list of e-mail addresses' })
  @ArrayMinSize(1, { message: 'email.to must hold at least one address' })
  @ArrayMaxSize(20, { message: 'email.to must hold at most 20 addresses' })
  @IsEmail({}, { each: true, message: 'email.to must hold e-mail addresses' })
  to!: string[];

  @ApiPropertyOptional({ type: String, nullable: true, description: 'SMTP user' })
  @IsOptional()
  @Nullable()
  @IsString({ message: 'email.username must be a string' })
  @MinLength(1, { message: 'email.username must not be empty' })
  @MaxLength(256, { message: 'email.username must be at most 256 characters' })
  username?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    writeOnly: true,
    description: 'SMTP password: stored sealed, never shown; null clears it, absent keeps it',
  })
  @IsOptional()
  @Nullable()
  @IsString({ message: 'email.password must be a string' })
  @MinLength(1, { message: 'email.password must not be empty' })
  @MaxLength(1024, { message: 'email.password must be at most 1024 characters' })
  password?: string | null;
}

export class CreateAlertChannelDto implements CreateAlertChannel {
  @ApiProperty({ example: 'ops webhook', maxLength: 128 })
  @IsTokenName()
  name!: string;

  @ApiProperty({ enum: CHANNEL_TYPES })
  @IsIn(CHANNEL_TYPES, { message: `type must be one of ${CHANNEL_TYPES.join(', ')}` })
  type!: ChannelType;

  @ApiProperty({
    example: 'https://hooks.example.com/archnest',
    description: 'http(s) for webhook, slack, discord, ntfy; smtp:// or smtps:// for email',
  })
  @IsString({ message: 'url must be a string' })
  @MaxLength(2048, { message: 'url must be at most 2048 characters' })
  url!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    writeOnly: true,
    description: 'webhook: signs each body (X-ArchNest-Signature); never shown; null clears it',
  })
  @IsOptional()
  @Nullable()
  @IsString({ message: 'secret must be a string' })
  @MinLength(8, { message: 'secret must be at least 8 characters' })
  @MaxLength(256, { message: 'secret must be at most 256 characters' })
  secret?: string | null;

  @ApiPropertyOptional({ type: EmailSettingsDto, description: 'email channels only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => EmailSettingsDto)
  email?: EmailSettingsDto;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

export class UpdateAlertChannelDto extends PartialType(CreateAlertChannelDto) {}

export class EmailSettingsResponse {
  @ApiProperty() from!: string;
  @ApiProperty({ type: [String] }) to!: string[];
  @ApiProperty({ type: String, nullable: true }) username!: string | null;
  @ApiProperty() hasPassword!: boolean;
}

export class AlertChannelResponse implements AlertChannel {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CHANNEL_TYPES }) type!: ChannelType;
  @ApiProperty() url!: string;
  @ApiProperty({ description: 'Whether a signing secret is set (it is never shown)' })
  hasSecret!: boolean;
  @ApiProperty({ type: EmailSettingsResponse, nullable: true })
  email!: EmailSettingsResponse | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ChannelTestResponse implements ChannelTestResult {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status or SMTP reply code' })
  status!: number | null;
  @ApiProperty({ description: "The receiver's answer or the error, cut to 500 characters" })
  response!: string;
}
