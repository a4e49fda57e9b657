import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { TokenIdParams } from '../../access-tokens/access-token.dto';
import { AdminOnly } from '../../common/decorators/admin-only.decorator';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { ApiErrors, SIGNED_IN_ADMIN } from '../../common/openapi/api-errors';
import { ApiJsonBody } from '../../common/openapi/api-json-body';
import { USER_JWT } from '../../openapi';
import {
  AgentTokenResponse,
  CreateAgentTokenDto,
  IssuedAgentTokenResponse,
} from './agent-token.dto';
import { AgentTokensService } from './agent-tokens.service';

const UNKNOWN_TOKEN = { 404: 'No agent token with this id' };

/** Per-host agent tokens: enrollment, rotation, revocation. Admins only. */
@ApiTags('agents')
@ApiBearerAuth(USER_JWT)
@AdminOnly()
@Controller('agents/tokens')
export class AgentTokensController {
  constructor(private readonly tokens: AgentTokensService) {}

  @Get()
  @ApiOperation({
    operationId: 'listAgentTokens',
    summary: 'List agent tokens',
    description:
      'Every per-host agent token, newest first, with when and from where it was last used ' +
      '(updated about once a second); never the token itself. Admins only.',
  })
  @ApiOkResponse({ type: [AgentTokenResponse] })
  @ApiErrors(SIGNED_IN_ADMIN)
  list(): Promise<AgentTokenResponse[]> {
    return this.tokens.list();
  }

  @Post()
  @ApiOperation({
    operationId: 'createAgentToken',
    summary: 'Issue an agent token for a host',
    description:
      'Enrolls a host: the token (`archnest_agent_…`, 32 random bytes) is in this answer only; ' +
      'the server keeps its SHA-256. It is accepted only for reports of this hostId, only from ' +
      'allowedCidrs when given, and until expiresAt when given. Audited. Admins only.',
  })
  @ApiJsonBody(CreateAgentTokenDto, {
    host: { summary: 'A host', value: { hostId: 'proxmox-vm-1' } },
    limited: {
      summary: 'Limited to the mesh network, for a year',
      value: {
        hostId: 'proxmox-vm-1',
        name: 'docker01',
        allowedCidrs: ['100.64.0.0/10'],
        expiresAt: '2027-12-01T00:00:00Z',
      },
    },
  })
  @ApiCreatedResponse({ type: IssuedAgentTokenResponse })
  @ApiErrors({ 400: 'Invalid field; the message names it', ...SIGNED_IN_ADMIN })
  issue(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CreateAgentTokenDto,
  ): Promise<IssuedAgentTokenResponse> {
    return this.tokens.issue(actor, dto);
  }

  @Post(':id/rotate')
  @ApiOperation({
    operationId: 'rotateAgentToken',
    summary: 'Rotate an agent token',
    description:
      'Issues a new token for the same host, name and networks (in this answer only). The old ' +
      'one keeps working for ARCHNEST_AGENT_TOKEN_OVERLAP_SECONDS (10 minutes by default), so ' +
      'the running agent can be given the new one, then is refused. Audited. Admins only.',
  })
  @ApiCreatedResponse({ type: IssuedAgentTokenResponse })
  @ApiErrors({
    400: 'id is not a UUID',
    ...SIGNED_IN_ADMIN,
    ...UNKNOWN_TOKEN,
    409: 'Already rotated: rotate its replacement',
  })
  rotate(
    @CurrentUser() actor: AuthUser,
    @Param() params: TokenIdParams,
  ): Promise<IssuedAgentTokenResponse> {
    return this.tokens.rotate(actor, params.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'revokeAgentToken',
    summary: 'Revoke an agent token',
    description:
      'The token is refused from the next report on by this replica, and within a second by ' +
      'every other (each holds the agent tokens for at most a second). Audited. Admins only.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors({ 400: 'id is not a UUID', ...SIGNED_IN_ADMIN, ...UNKNOWN_TOKEN })
  revoke(@CurrentUser() actor: AuthUser, @Param() params: TokenIdParams): Promise<void> {
    return this.tokens.revoke(actor, params.id);
  }
}
