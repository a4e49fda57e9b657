import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { TokenIdParams } from '../access-tokens/access-token.dto';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { ApiErrors } from '../common/openapi/api-errors';
import { ApiJsonBody } from '../common/openapi/api-json-body';
import { USER_JWT } from '../openapi';
import { ApiKeyResponse, CreateApiKeyDto, IssuedApiKeyResponse } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

const SIGNED_IN = { 401: 'Missing or expired token or key' };

/** Each user's API keys; admins see and revoke everyone's. */
@ApiTags('auth')
@ApiBearerAuth(USER_JWT)
@Controller('auth/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({
    operationId: 'listApiKeys',
    summary: 'List API keys',
    description:
      "The caller's own keys, newest first (an admin gets everyone's, with the owner), with " +
      'when and from where each was last used; never the key itself.',
  })
  @ApiOkResponse({ type: [ApiKeyResponse] })
  @ApiErrors(SIGNED_IN)
  list(@CurrentUser() actor: AuthUser): Promise<ApiKeyResponse[]> {
    return this.keys.list(actor);
  }

  @Post()
  @ApiOperation({
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description:
      'A key (`archnest_key_…`, 32 random bytes) for scripts and integrations, in this answer ' +
      'only; the server keeps its SHA-256. Send it as `Authorization: Bearer <key>`: it acts ' +
      "with the owner's current role (a member's, GET and HEAD only, when readOnly), until " +
      'expiresAt when given, and dies with its owner. Audited.',
  })
  @ApiJsonBody(CreateApiKeyDto, {
    key: { summary: 'A key', value: { name: 'deploy script' } },
    readOnly: {
      summary: 'A read-only key for a dashboard, for 90 days',
      value: { name: 'grafana', readOnly: true, expiresAt: '2027-03-01T00:00:00Z' },
    },
  })
  @ApiCreatedResponse({ type: IssuedApiKeyResponse })
  @ApiErrors({ 400: 'Invalid field; the message names it', ...SIGNED_IN })
  issue(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CreateApiKeyDto,
  ): Promise<IssuedApiKeyResponse> {
    return this.keys.issue(actor, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description:
      'The key is refused from the next request on. Own keys; admins may revoke anyone’s. ' +
      'Audited.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors({ 400: 'id is not a UUID', ...SIGNED_IN, 404: 'No key of yours with this id' })
  revoke(@CurrentUser() actor: AuthUser, @Param() params: TokenIdParams): Promise<void> {
    return this.keys.revoke(actor, params.id);
  }
}
