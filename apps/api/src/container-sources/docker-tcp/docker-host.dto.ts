import type {
  CreateDockerHostRequest,
  DockerHost,
  DockerHostTest,
  DockerHostTlsStatus,
  DockerTls,
  UpdateDockerHostRequest,
} from '@archnest/contracts';
import {
  ApiProperty,
  ApiPropertyOptional,
  IntersectionType,
  OmitType,
  PartialType,
} from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ENGINE_URL_EXAMPLES } from './engine-url';
import type { DockerHostEntity } from './docker-host.entity';
import type { TlsMaterial } from './tls-material';

export const DOCKER_HOST_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const PEM_MAX_LENGTH = 32_768;

/** `?verify=false` and friends: only the literal strings true/false are booleans. */
export function toBoolean({ value }: { value: unknown }): unknown {
  return value === 'true' ? true : value === 'false' ? false : value;
}

export class DockerTlsDto implements TlsMaterial, DockerTls {
  @ApiProperty({
    writeOnly: true,
    description: 'PEM certificate of the CA that signed the engine',
    example: '-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n',
  })
  @IsString()
  @MaxLength(PEM_MAX_LENGTH)
  ca!: string;

  @ApiProperty({
    writeOnly: true,
    description: 'PEM client certificate',
    example: '-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n',
  })
  @IsString()
  @MaxLength(PEM_MAX_LENGTH)
  cert!: string;

  @ApiProperty({
    writeOnly: true,
    description: 'PEM client private key (unencrypted)',
    example: '-----BEGIN PRIVATE KEY-----\nMIIE…\n-----END PRIVATE KEY-----\n',
  })
  @IsString()
  @MaxLength(PEM_MAX_LENGTH)
  key!: string;
}

export class CreateDockerHostDto implements CreateDockerHostRequest {
  @ApiProperty({ example: 'docker01', pattern: DOCKER_HOST_NAME_PATTERN.source })
  @Matches(DOCKER_HOST_NAME_PATTERN, {
    message: 'name must be 1-64 letters, digits, spaces, dots, dashes or underscores',
  })
  name!: string;

  @ApiProperty({ example: 'tcp://docker01.lan:2376', description: ENGINE_URL_EXAMPLES })
  @IsString()
  @MaxLength(512)
  url!: string;

  @ApiPropertyOptional({
    type: DockerTlsDto,
    description:
      'Client TLS for an engine started with --tlsverify; stored encrypted, never returned',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => DockerTlsDto)
  tls?: DockerTlsDto;
}

/** The `tls` of an update, which may also be null. */
class DockerTlsChangeDto {
  @ApiPropertyOptional({
    type: DockerTlsDto,
    nullable: true,
    description: 'New TLS material, or null to remove it; omit to keep the stored material',
  })
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @ValidateNested()
  @Type(() => DockerTlsDto)
  tls?: DockerTlsDto | null;
}

/**
 * Any of the create fields, `tls` as above. Composed rather than subclassed so that the fields a
 * request leaves out stay absent from the instance (the audit detail lists the present ones).
 */
export class UpdateDockerHostDto
  extends IntersectionType(
    PartialType(OmitType(CreateDockerHostDto, ['tls'] as const)),
    DockerTlsChangeDto,
  )
  implements UpdateDockerHostRequest {}

export class SaveDockerHostQuery {
  @ApiPropertyOptional({
    type: Boolean,
    default: true,
    description: 'Connect to the engine before saving; false saves an engine that is down',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'verify must be true or false' })
  verify = true;
}

export class DockerHostParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'hostId must be a UUID' })
  hostId!: string;
}

export class DockerTlsStatus implements DockerHostTlsStatus {
  @ApiProperty({ description: 'TLS material is stored (it is never returned)' })
  configured!: boolean;
}

export class DockerHostResponse implements DockerHost {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'tcp://docker01.lan:2376' }) url!: string;
  @ApiProperty({ type: DockerTlsStatus }) tls!: DockerTlsStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSeenAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class DockerHostTestResponse implements DockerHostTest {
  @ApiProperty({ description: 'The engine answered' }) ok!: boolean;
  @ApiProperty({ type: String, nullable: true, example: '28.2.2' }) version!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1.50' }) apiVersion!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'linux/amd64' }) platform!: string | null;
  @ApiProperty({ description: 'Round trip of the version call' }) latencyMs!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Docker host "docker01" is unreachable: connection refused (ECONNREFUSED)',
  })
  reason!: string | null;
}

export function toDockerHostResponse(host: DockerHostEntity): DockerHostResponse {
  return {
    id: host.id,
    name: host.name,
    url: host.url,
    tls: { configured: host.tlsSealed !== null },
    lastSeenAt: host.lastSeenAt?.toISOString() ?? null,
    createdAt: host.createdAt.toISOString(),
    updatedAt: host.updatedAt.toISOString(),
  };
}
