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
import { AlertIdParams } from '../rules/alert-rule.dto';
import {
  AlertChannelResponse,
  ChannelTestResponse,
  CreateAlertChannelDto,
  UpdateAlertChannelDto,
} from './alert-channel.dto';
import { AlertChannelsService } from './alert-channels.service';

const UNKNOWN_CHANNEL = { 404: 'No alert channel with this id' };
const INVALID = { 400: 'Invalid field; the message names it' };

/** Where alerts are delivered (docs/alerts.md). Admins only. */
@ApiTags('alerts')
@ApiBearerAuth(USER_JWT)
@AdminOnly()
@Controller('alerts/channels')
export class AlertChannelsController {
  constructor(private readonly channels: AlertChannelsService) {}

  @Get()
  @ApiOperation({
    operationId: 'listAlertChannels',
    summary: 'List alert channels',
    description:
      'Every channel; secrets and passwords only as hasSecret / hasPassword. Admins only.',
  })
  @ApiOkResponse({ type: [AlertChannelResponse] })
  @ApiErrors(SIGNED_IN_ADMIN)
  list(): Promise<AlertChannelResponse[]> {
    return this.channels.list();
  }

  @Post()
  @ApiOperation({
    operationId: 'createAlertChannel',
    summary: 'Create an alert channel',
    description:
      'webhook (JSON, signed with the secret), slack (Slack or Mattermost incoming webhook), ' +
      'discord, ntfy, or email over SMTP (smtp:// with STARTTLS when offered, smtps:// for TLS). ' +
      'The secret and the SMTP password are sealed and never shown. Audited. Admins only.',
  })
  @ApiJsonBody(CreateAlertChannelDto, {
    webhook: {
      summary: 'A signed webhook',
      value: {
        name: 'ops webhook',
        type: 'webhook',
        url: 'https://hooks.example.com/archnest',
        secret: 'a-long-random-secret',
      },
    },
    email: {
      summary: 'E-mail over SMTP',
      value: {
        name: 'ops mail',
        type: 'email',
        url: 'smtp://mail.example.com:587',
        email: {
          from: 'archnest@example.com',
          to: ['ops@example.com'],
          username: 'archnest',
          password: 'smtp-password',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: AlertChannelResponse })
  @ApiErrors({ ...INVALID, ...SIGNED_IN_ADMIN })
  create(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CreateAlertChannelDto,
  ): Promise<AlertChannelResponse> {
    return this.channels.create(actor, dto);
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateAlertChannel',
    summary: 'Change an alert channel',
    description:
      'Any subset of the fields; an absent secret or password is kept, null clears it. Audited.',
  })
  @ApiJsonBody(UpdateAlertChannelDto, {
    disable: { summary: 'Disable', value: { enabled: false } },
  })
  @ApiOkResponse({ type: AlertChannelResponse })
  @ApiErrors({ ...INVALID, ...SIGNED_IN_ADMIN, ...UNKNOWN_CHANNEL })
  update(
    @CurrentUser() actor: AuthUser,
    @Param() params: AlertIdParams,
    @Body() dto: UpdateAlertChannelDto,
  ): Promise<AlertChannelResponse> {
    return this.channels.update(actor, params.id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteAlertChannel',
    summary: 'Delete an alert channel',
    description: 'Rules keep their other channels; its pending deliveries are dropped. Audited.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ 400: 'id is not a UUID', ...SIGNED_IN_ADMIN, ...UNKNOWN_CHANNEL })
  async remove(@CurrentUser() actor: AuthUser, @Param() params: AlertIdParams): Promise<void> {
    await this.channels.remove(actor, params.id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'testAlertChannel',
    summary: 'Send a test notification',
    description:
      'Sends one now and answers what the receiver said (ok, HTTP status or SMTP code, its answer cut to 500 characters). Audited.',
  })
  @ApiOkResponse({ type: ChannelTestResponse })
  @ApiErrors({ 400: 'id is not a UUID', ...SIGNED_IN_ADMIN, ...UNKNOWN_CHANNEL })
  test(
    @CurrentUser() actor: AuthUser,
    @Param() params: AlertIdParams,
  ): Promise<ChannelTestResponse> {
    return this.channels.test(actor, params.id);
  }
}
