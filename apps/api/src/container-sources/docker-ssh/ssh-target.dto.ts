import type {
  AcceptHostKeyRequest,
  CreateSshTargetRequest,
  HostKeyScan,
  SshTarget,
  SshTargetTest,
  UpdateSshTargetRequest,
} from '@archnest/contracts';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import {
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  isFQDN,
  isIP,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
} from 'class-validator';
import { FINGERPRINT_PATTERN } from '../../ssh/host-key';
import { DOCKER_COMMAND_PATTERN, DOCKER_HOST_PATTERN } from './docker-cli';
import { SSH_AUTH_METHODS, type SshAuthMethod, type SshTargetEntity } from './ssh-target.entity';

export const TARGET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
export const SSH_USERNAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const PRIVATE_KEY_MAX = 16_384;
const SECRET_MAX = 1_024;

/** A DNS name or an IP address; never something ssh2 or a log could read as more. */
export function isSshHost(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.length <= 253 &&
    (isIP(value) || isFQDN(value, { require_tld: false, allow_underscores: false }))
  );
}

function IsSshHost() {
  return (target: object, propertyName: string): void =>
    registerDecorator({
      name: 'isSshHost',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a host name or an IP address` },
      validator: { validate: isSshHost },
    });
}

export class SshTargetParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'targetId must be a UUID' })
  targetId!: string;
}

export class CreateSshTargetDto implements CreateSshTargetRequest {
  @ApiProperty({ example: 'docker01', pattern: TARGET_NAME_PATTERN.source })
  @Matches(TARGET_NAME_PATTERN, {
    message: 'name must be 1-64 letters, digits, spaces, dots, dashes or underscores',
  })
  name!: string;

  @ApiProperty({ example: '10.0.0.5', description: 'Host name or IP address' })
  @IsSshHost()
  host!: string;

  @ApiPropertyOptional({ default: 22, minimum: 1, maximum: 65535, example: 22 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 22;

  @ApiProperty({ example: 'deploy', pattern: SSH_USERNAME_PATTERN.source })
  @Matches(SSH_USERNAME_PATTERN, {
    message: 'username must be 1-64 letters, digits, dots, dashes or underscores',
  })
  username!: string;

  @ApiPropertyOptional({
    writeOnly: true,
    description: 'Password auth; or give privateKey',
    example: 'deploy-password-1',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(SECRET_MAX)
  password?: string;

  @ApiPropertyOptional({
    writeOnly: true,
    description: 'OpenSSH, PEM or PuTTY private key (no certificates); or give password',
    example: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn…\n-----END OPENSSH PRIVATE KEY-----\n',
  })
  @IsOptional()
  @IsString()
  @MaxLength(PRIVATE_KEY_MAX)
  privateKey?: string;

  @ApiPropertyOptional({ writeOnly: true, description: 'Passphrase of an encrypted privateKey' })
  @IsOptional()
  @IsString()
  @MaxLength(SECRET_MAX)
  passphrase?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The SSH target to connect through (its own jump chain applies too)',
    example: '3f1c2b9e-8a4d-4c6f-9b2e-1d7a5e0c4b21',
  })
  @IsOptional()
  @ValidateIf((_dto, value) => value !== null)
  @IsUUID('all', { message: 'jumpTargetId must be a UUID' })
  jumpTargetId?: string | null;

  @ApiPropertyOptional({
    default: 'docker',
    example: '/usr/bin/docker',
    description: 'The docker binary on the target',
  })
  @IsOptional()
  @Matches(DOCKER_COMMAND_PATTERN, { message: 'dockerCommand must be a command name or path' })
  dockerCommand?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'unix:///run/docker.sock',
    description: 'Engine the remote CLI talks to (`docker -H`); unset uses its default',
  })
  @IsOptional()
  @ValidateIf((_dto, value) => value !== null)
  @Matches(DOCKER_HOST_PATTERN, { message: 'dockerHost must be unix:///path or tcp://host:port' })
  dockerHost?: string | null;
}

/**
 * Every field optional; a new password or privateKey replaces the stored credentials. `port` is
 * declared again without the create default, so an update that omits it keeps the stored port.
 */
export class UpdateSshTargetDto
  extends PartialType(OmitType(CreateSshTargetDto, ['port'] as const))
  implements UpdateSshTargetRequest
{
  @ApiPropertyOptional({ minimum: 1, maximum: 65535 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;
}

export class AcceptHostKeyDto implements AcceptHostKeyRequest {
  @ApiProperty({
    example: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
    pattern: FINGERPRINT_PATTERN.source,
    description: 'The fingerprint the scan returned, after checking it out of band',
  })
  @Matches(FINGERPRINT_PATTERN, { message: 'fingerprint must look like SHA256:<43 base64 chars>' })
  fingerprint!: string;
}

export class HostKeyScanResponse implements HostKeyScan {
  @ApiProperty({ example: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' })
  fingerprint!: string;
  @ApiProperty({ example: 'ssh-ed25519' }) keyType!: string;
  @ApiProperty({ description: 'Whether this is the fingerprint already pinned' })
  pinned!: boolean;
}

export class SshTargetTestResponse implements SshTargetTest {
  @ApiProperty({ example: '27.3.1', description: "The remote engine's version" })
  dockerVersion!: string;
  @ApiProperty({ description: 'Round trip of the test command, connecting included' })
  latencyMs!: number;
  @ApiProperty({ type: [String], description: 'Names of the hops, jump hosts first' })
  chain!: string[];
}

export class SshTargetResponse implements SshTarget {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() host!: string;
  @ApiProperty() port!: number;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: SSH_AUTH_METHODS, description: 'Credentials are write-only' })
  authMethod!: SshAuthMethod;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) jumpTargetId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'null: not pinned, nothing runs' })
  hostKeyFingerprint!: string | null;
  @ApiProperty() dockerCommand!: string;
  @ApiProperty({ type: String, nullable: true }) dockerHost!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** The stored target without its credentials. */
export function toSshTargetResponse(target: SshTargetEntity): SshTargetResponse {
  return {
    id: target.id,
    name: target.name,
    host: target.host,
    port: target.port,
    username: target.username,
    authMethod: target.authMethod,
    jumpTargetId: target.jumpTargetId,
    hostKeyFingerprint: target.hostKeyFingerprint,
    dockerCommand: target.dockerCommand,
    dockerHost: target.dockerHost,
    createdAt: target.createdAt.toISOString(),
    updatedAt: target.updatedAt.toISOString(),
  };
}
