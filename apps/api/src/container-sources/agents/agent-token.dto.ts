import {
  AGENT_HOST_ID_PATTERN,
  type AgentTokenSummary,
  type CreateAgentToken,
  type IssuedAgentToken,
} from '@archnest/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { IsTokenName, IssuedTokenSummaryResponse } from '../../access-tokens/access-token.dto';
import { tokenState } from '../../access-tokens/access-tokens.service';
import type { AccessTokenEntity } from '../../access-tokens/access-token.entity';
import { IsCidrList } from '../../common/network/is-cidr-list.decorator';

export class CreateAgentTokenDto implements CreateAgentToken {
  @ApiProperty({ example: 'proxmox-vm-1', pattern: AGENT_HOST_ID_PATTERN.source })
  @IsString({ message: 'hostId must be a string' })
  @Matches(AGENT_HOST_ID_PATTERN, {
    message: 'hostId must be 1-128 letters, digits, dots, dashes or underscores',
  })
  hostId!: string;

  @ApiPropertyOptional({ example: 'docker01 in rack 2', maxLength: 128 })
  @IsOptional()
  @IsTokenName()
  name?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['10.20.0.0/16', 'fd00:20::/64'],
    description: 'Source networks the token may be used from (any when empty or absent)',
  })
  @IsOptional()
  @IsCidrList('allowedCidrs')
  allowedCidrs?: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Refused after this time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 time' })
  expiresAt?: string;
}

export class AgentTokenResponse extends IssuedTokenSummaryResponse implements AgentTokenSummary {
  @ApiProperty({ example: 'proxmox-vm-1' }) hostId!: string;
  @ApiProperty({ type: [String], example: ['10.20.0.0/16'] }) allowedCidrs!: string[];
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The token that replaced this one in a rotation',
  })
  replacedBy!: string | null;
}

export class IssuedAgentTokenResponse extends AgentTokenResponse implements IssuedAgentToken {
  @ApiProperty({
    example: 'archnest_agent_Q3xzV0h2b1lTc3pXbmR4a0tqQ0Z5cGJvR1VnTWx3b3NrZQ',
    description: 'Shown this once; the server keeps only its hash',
  })
  token!: string;
}

export function toAgentTokenResponse(entity: AccessTokenEntity): AgentTokenResponse {
  return {
    id: entity.id,
    hostId: entity.hostId ?? '',
    name: entity.name,
    hint: entity.hint,
    state: tokenState(entity),
    allowedCidrs: entity.allowedCidrs,
    createdAt: entity.createdAt.toISOString(),
    expiresAt: entity.expiresAt?.toISOString() ?? null,
    lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
    lastAddress: entity.lastAddress,
    replacedBy: entity.replacedBy,
  };
}
