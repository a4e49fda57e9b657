import type { ApiKeySummary, CreateApiKey, IssuedApiKey } from '@archnest/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsISO8601, IsOptional } from 'class-validator';
import { IsTokenName, IssuedTokenSummaryResponse } from '../access-tokens/access-token.dto';
import type { AccessTokenEntity } from '../access-tokens/access-token.entity';
import { tokenState } from '../access-tokens/access-tokens.service';

export class CreateApiKeyDto implements CreateApiKey {
  @ApiProperty({ example: 'grafana dashboard', maxLength: 128 })
  @IsTokenName()
  name!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Refused after this time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 time' })
  expiresAt?: string;

  @ApiPropertyOptional({
    default: false,
    description: "GET and HEAD only, with a member's rights, whatever the owner's role",
  })
  @IsOptional()
  @IsBoolean({ message: 'readOnly must be true or false' })
  readOnly?: boolean;
}

export class ApiKeyResponse extends IssuedTokenSummaryResponse implements ApiKeySummary {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty() readOnly!: boolean;
}

export class IssuedApiKeyResponse extends ApiKeyResponse implements IssuedApiKey {
  @ApiProperty({
    example: 'archnest_key_b0dHcm9jV1lGb3pSeUNTd0VkR3JqS1ZmbWNOUXhIaVp1TQ',
    description: 'Shown this once; send it as `Authorization: Bearer <key>`',
  })
  key!: string;
}

export function toApiKeyResponse(entity: AccessTokenEntity, username: string): ApiKeyResponse {
  return {
    id: entity.id,
    userId: entity.userId ?? '',
    username,
    name: entity.name,
    hint: entity.hint,
    state: tokenState(entity),
    readOnly: entity.readOnly,
    createdAt: entity.createdAt.toISOString(),
    expiresAt: entity.expiresAt?.toISOString() ?? null,
    lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
    lastAddress: entity.lastAddress,
  };
}
