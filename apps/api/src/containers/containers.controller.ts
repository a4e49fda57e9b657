import { CONTAINER_ACTIONS, type ContainerAction } from '@archnest/contracts';
import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { AdminOnly } from '../common/decorators/admin-only.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { ApiErrors } from '../common/openapi/api-errors';
import { USER_JWT } from '../openapi';
import {
  AllContainersResponse,
  ContainerDetailResponse,
  ContainerHostResponse,
  ContainerLogsResponse,
  ContainerParams,
  ContainerStatsResponse,
  ContainerSummaryResponse,
  HostParams,
  logOptions,
  LogsQuery,
  RemoveQuery,
} from './containers.dto';
import { ContainersService } from './containers.service';

/** The verbs of `POST …/:action`; remove is `DELETE …/:ref`. */
export const LIFECYCLE_ACTIONS = CONTAINER_ACTIONS.filter((a) => a !== 'remove');

class ActionParams extends ContainerParams {
  @ApiProperty({ enum: LIFECYCLE_ACTIONS })
  @IsIn(LIFECYCLE_ACTIONS, { message: `action must be one of ${LIFECYCLE_ACTIONS.join(', ')}` })
  action!: ContainerAction;
}

const READ_ERRORS = {
  400: 'Invalid source, hostId or ref; the message names the field',
  401: 'Missing or expired token',
  404: 'Unknown host or container, or no such source configured',
  502: 'The host is unreachable or failed; the message says why',
  504: 'The host did not answer in time',
};
const WRITE_ERRORS = {
  ...READ_ERRORS,
  409: "Docker refused in the container's state; Docker's reason",
};

/**
 * Every container route, for every source, by source kind and host id. The per-source paths
 * (container-route-aliases.ts) are rewritten to these before routing.
 */
@ApiTags('containers')
@ApiBearerAuth(USER_JWT)
@Controller('containers')
export class ContainersController {
  constructor(private readonly containers: ContainersService) {}

  @Get('hosts')
  @ApiOperation({
    operationId: 'listContainerHosts',
    summary: 'List hosts of every source',
    description:
      'Every Docker API host, SSH target and agent host with its status, container count and ' +
      'capabilities. An unreachable host is listed as such; it does not fail the list. Members may call it.',
  })
  @ApiOkResponse({ type: [ContainerHostResponse] })
  @ApiErrors({ 401: READ_ERRORS[401] })
  listHosts(): Promise<ContainerHostResponse[]> {
    return this.containers.listHosts();
  }

  @Get()
  @ApiOperation({
    operationId: 'listAllContainers',
    summary: 'List containers of every host',
    description:
      'Every container of every host of every source, with where it runs. Hosts that fail are ' +
      'listed in `failures` instead of failing the answer. Members may call it.',
  })
  @ApiOkResponse({ type: AllContainersResponse })
  @ApiErrors({ 401: READ_ERRORS[401] })
  listAll(): Promise<AllContainersResponse> {
    return this.containers.listAll();
  }

  @Get(':source/:hostId')
  @ApiOperation({
    operationId: 'listContainers',
    summary: 'List containers of a host',
    description: 'Every container of one host, in all states, without stats. Members may call it.',
  })
  @ApiOkResponse({ type: [ContainerSummaryResponse] })
  @ApiErrors(READ_ERRORS)
  list(@Param() { source, hostId }: HostParams): Promise<ContainerSummaryResponse[]> {
    return this.containers.list(source, hostId);
  }

  @Get(':source/:hostId/:ref')
  @ApiOperation({
    operationId: 'getContainer',
    summary: 'Get a container',
    description:
      'Details of one container by name or id: image, state, health, ports, networks, mounts, ' +
      'labels, and its environment with secret-looking values masked. Members may call it.',
  })
  @ApiOkResponse({ type: ContainerDetailResponse })
  @ApiErrors(READ_ERRORS)
  get(@Param() { source, hostId, ref }: ContainerParams): Promise<ContainerDetailResponse> {
    return this.containers.get(source, hostId, ref);
  }

  @Get(':source/:hostId/:ref/logs')
  @ApiOperation({
    operationId: 'getContainerLogs',
    summary: 'Get container logs',
    description:
      'The last `tail` lines of stdout and stderr, oldest first, with Docker timestamps unless ' +
      '`timestamps=false`; `since`/`until` (ISO times) narrow them to a window. Logs are not ' +
      'masked. Sources without logs (the agent) answer 400. Members may call it. To follow ' +
      'live, use the WebSocket /api/containers/logs/follow (docs/logs-protocol.md).',
  })
  @ApiOkResponse({ type: ContainerLogsResponse })
  @ApiErrors(READ_ERRORS)
  logs(
    @Param() { source, hostId, ref }: ContainerParams,
    @Query() query: LogsQuery,
  ): Promise<ContainerLogsResponse> {
    return this.containers.logs(source, hostId, ref, logOptions(query));
  }

  @Get(':source/:hostId/:ref/stats')
  @ApiOperation({
    operationId: 'getContainerStats',
    summary: 'Get container stats',
    description:
      'CPU, memory, network and block IO of one container now (an agent host: as last ' +
      'reported). Nulls for a stopped container. Members may call it.',
  })
  @ApiOkResponse({ type: ContainerStatsResponse })
  @ApiErrors(READ_ERRORS)
  stats(@Param() { source, hostId, ref }: ContainerParams): Promise<ContainerStatsResponse> {
    return this.containers.stats(source, hostId, ref);
  }

  @Post(':source/:hostId/:ref/:action')
  @AdminOnly()
  @HttpCode(204)
  @ApiOperation({
    operationId: 'runContainerAction',
    summary: 'Start, stop, restart, pause or unpause a container',
    description:
      'Runs one lifecycle action and records it in the audit log, done or failed. Asking for ' +
      'the state a container is already in is a 204 too. Takes no body. Sources that cannot ' +
      'manage containers (the agent) answer 400. Admins only.',
  })
  @ApiNoContentResponse({ description: 'Done (or already in that state); audited' })
  @ApiErrors(WRITE_ERRORS)
  act(@CurrentUser() actor: AuthUser, @Param() params: ActionParams): Promise<void> {
    return this.containers.act(actor, params.source, params.hostId, params.ref, params.action);
  }

  @Delete(':source/:hostId/:ref')
  @AdminOnly()
  @HttpCode(204)
  @ApiOperation({
    operationId: 'removeContainer',
    summary: 'Remove a container',
    description:
      'Removes a container and records it in the audit log. A running container is refused ' +
      '(409) unless `force=true`. Admins only.',
  })
  @ApiNoContentResponse({ description: 'Removed; audited' })
  @ApiErrors(WRITE_ERRORS)
  remove(
    @CurrentUser() actor: AuthUser,
    @Param() { source, hostId, ref }: ContainerParams,
    @Query() { force }: RemoveQuery,
  ): Promise<void> {
    return this.containers.act(actor, source, hostId, ref, 'remove', force);
  }
}
