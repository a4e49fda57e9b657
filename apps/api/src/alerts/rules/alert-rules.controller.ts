import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '../../common/decorators/admin-only.decorator';
import { type AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { ApiErrors, SIGNED_IN_ADMIN } from '../../common/openapi/api-errors';
import { ApiJsonBody } from '../../common/openapi/api-json-body';
import { USER_JWT } from '../../openapi';
import {
  AlertIdParams,
  AlertRuleResponse,
  CreateAlertRuleDto,
  UpdateAlertRuleDto,
} from './alert-rule.dto';
import { AlertRulesService } from './alert-rules.service';

const UNKNOWN_RULE = { 404: 'No alert rule with this id' };
const INVALID = { 400: 'Invalid field; the message names it' };

/** Alert rules (docs/alerts.md): members read, admins write. */
@ApiTags('alerts')
@ApiBearerAuth(USER_JWT)
@Controller('alerts/rules')
export class AlertRulesController {
  constructor(private readonly rules: AlertRulesService) {}

  @Get()
  @ApiOperation({
    operationId: 'listAlertRules',
    summary: 'List alert rules',
    description: 'Every rule, oldest first. Members and admins.',
  })
  @ApiOkResponse({ type: [AlertRuleResponse] })
  @ApiErrors({ 401: 'Missing or expired token' })
  list(): Promise<AlertRuleResponse[]> {
    return this.rules.list();
  }

  @Post()
  @AdminOnly()
  @ApiOperation({
    operationId: 'createAlertRule',
    summary: 'Create an alert rule',
    description:
      'Kinds: container-stopped, container-unhealthy, restart-loop (threshold restarts within ' +
      'forSeconds), host-offline, cpu-above / memory-above (average % over forSeconds above ' +
      'threshold). scope narrows it to a source, a host or a container-name glob. Audited.',
  })
  @ApiJsonBody(CreateAlertRuleDto, {
    stopped: {
      summary: 'Any container that stops',
      value: { name: 'containers must run', kind: 'container-stopped', channelIds: [] },
    },
    cpu: {
      summary: 'CPU above 90 % for 5 minutes on web-*',
      value: {
        name: 'web CPU',
        kind: 'cpu-above',
        channelIds: [],
        scope: { container: 'web-*' },
        threshold: 90,
        forSeconds: 300,
      },
    },
  })
  @ApiCreatedResponse({ type: AlertRuleResponse })
  @ApiErrors({ ...INVALID, ...SIGNED_IN_ADMIN })
  create(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CreateAlertRuleDto,
  ): Promise<AlertRuleResponse> {
    return this.rules.create(actor, dto);
  }

  @Patch(':id')
  @AdminOnly()
  @ApiOperation({
    operationId: 'updateAlertRule',
    summary: 'Change an alert rule',
    description: 'Any subset of the fields; `enabled: false` disables it. Audited.',
  })
  @ApiJsonBody(UpdateAlertRuleDto, {
    disable: { summary: 'Disable', value: { enabled: false } },
  })
  @ApiOkResponse({ type: AlertRuleResponse })
  @ApiErrors({ ...INVALID, ...SIGNED_IN_ADMIN, ...UNKNOWN_RULE })
  update(
    @CurrentUser() actor: AuthUser,
    @Param() params: AlertIdParams,
    @Body() dto: UpdateAlertRuleDto,
  ): Promise<AlertRuleResponse> {
    return this.rules.update(actor, params.id, dto);
  }

  @Delete(':id')
  @AdminOnly()
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteAlertRule',
    summary: 'Delete an alert rule',
    description: 'Its events stay in the list (with the rule name); open ones resolve. Audited.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ 400: 'id is not a UUID', ...SIGNED_IN_ADMIN, ...UNKNOWN_RULE })
  async remove(@CurrentUser() actor: AuthUser, @Param() params: AlertIdParams): Promise<void> {
    await this.rules.remove(actor, params.id);
  }
}
