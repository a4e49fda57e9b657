import { CONTAINER_ACTIONS, type ContainerAction } from '@archnest/contracts';
import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { AdminOnly } from '../common/decorators/admin-only.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
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
  LogsQuery,
  RemoveQuery,
} from './containers.dto';
import { ContainersService } from './containers.service';

const LIFECYCLE_ACTIONS = CONTAINER_ACTIONS.filter((a) => a !== 'remove');

class ActionParams extends ContainerParams {
  @ApiProperty({ enum: LIFECYCLE_ACTIONS })
  @IsIn(LIFECYCLE_ACTIONS)
  action!: ContainerAction;
}

/** The routes the console uses: every source through one shape, by source kind and host id. */
@ApiTags('containers')
@ApiBearerAuth(USER_JWT)
@Controller('containers')
export class ContainersController {
  constructor(private readonly containers: ContainersService) {}

  @Get('hosts')
  @ApiOkResponse({ type: [ContainerHostResponse], description: 'Every host of every source' })
  listHosts(): Promise<ContainerHostResponse[]> {
    return this.containers.listHosts();
  }

  @Get()
  @ApiOkResponse({ type: AllContainersResponse, description: 'Every container of every host' })
  listAll(): Promise<AllContainersResponse> {
    return this.containers.listAll();
  }

  @Get(':source/:hostId')
  @ApiOkResponse({ type: [ContainerSummaryResponse] })
  list(@Param() { source, hostId }: HostParams): Promise<ContainerSummaryResponse[]> {
    return this.containers.list(source, hostId);
  }

  @Get(':source/:hostId/:ref')
  @ApiOkResponse({ type: ContainerDetailResponse })
  get(@Param() { source, hostId, ref }: ContainerParams): Promise<ContainerDetailResponse> {
    return this.containers.get(source, hostId, ref);
  }

  @Get(':source/:hostId/:ref/logs')
  @ApiOkResponse({ type: ContainerLogsResponse })
  @ApiBadRequestResponse({ description: 'The source does not provide logs' })
  logs(
    @Param() { source, hostId, ref }: ContainerParams,
    @Query() { tail }: LogsQuery,
  ): Promise<ContainerLogsResponse> {
    return this.containers.logs(source, hostId, ref, tail);
  }

  @Get(':source/:hostId/:ref/stats')
  @ApiOkResponse({ type: ContainerStatsResponse })
  stats(@Param() { source, hostId, ref }: ContainerParams): Promise<ContainerStatsResponse> {
    return this.containers.stats(source, hostId, ref);
  }

  @Post(':source/:hostId/:ref/:action')
  @AdminOnly()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Done; recorded in the audit log' })
  @ApiBadRequestResponse({ description: 'The source cannot manage containers (agent)' })
  act(@CurrentUser() actor: AuthUser, @Param() params: ActionParams): Promise<void> {
    return this.containers.act(actor, params.source, params.hostId, params.ref, params.action);
  }

  @Delete(':source/:hostId/:ref')
  @AdminOnly()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed; recorded in the audit log' })
  remove(
    @CurrentUser() actor: AuthUser,
    @Param() { source, hostId, ref }: ContainerParams,
    @Query() { force }: RemoveQuery,
  ): Promise<void> {
    return this.containers.act(actor, source, hostId, ref, 'remove', force);
  }
}
