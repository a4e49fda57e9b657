import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiGatewayTimeoutResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '../../common/decorators/admin-only.decorator';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { USER_JWT } from '../../openapi';
import {
  ContainerDetailResponse,
  ContainerLogsResponse,
  ContainerStatsResponse,
  ContainerSummaryResponse,
  DockerActionParams,
  DockerContainerParams,
  LogsQuery,
  RemoveQuery,
} from './docker-container.dto';
import { DockerHostParams } from './docker-host.dto';
import { DockerTcpService } from './docker-tcp.service';

@ApiTags('docker-tcp')
@ApiBearerAuth(USER_JWT)
@ApiBadGatewayResponse({ description: 'The engine is unreachable or failed; the message says why' })
@ApiGatewayTimeoutResponse({ description: 'The engine did not answer within 10 s' })
@ApiNotFoundResponse({ description: 'Unknown host or container' })
@Controller('docker/hosts/:hostId/containers')
export class DockerContainersController {
  constructor(private readonly docker: DockerTcpService) {}

  @Get()
  @ApiOkResponse({ type: [ContainerSummaryResponse], description: 'All states' })
  list(@Param() { hostId }: DockerHostParams): Promise<ContainerSummaryResponse[]> {
    return this.docker.listContainers(hostId);
  }

  @Get(':ref')
  @ApiOkResponse({ type: ContainerDetailResponse, description: 'Env values masked' })
  get(@Param() { hostId, ref }: DockerContainerParams): Promise<ContainerDetailResponse> {
    return this.docker.getContainer(hostId, ref);
  }

  @Get(':ref/logs')
  @ApiOkResponse({ type: ContainerLogsResponse })
  logs(
    @Param() { hostId, ref }: DockerContainerParams,
    @Query() query: LogsQuery,
  ): Promise<ContainerLogsResponse> {
    return this.docker.getLogs(hostId, ref, { tail: query.tail, timestamps: query.timestamps });
  }

  @Get(':ref/stats')
  @ApiOkResponse({ type: ContainerStatsResponse, description: 'Nulls for a stopped container' })
  stats(@Param() { hostId, ref }: DockerContainerParams): Promise<ContainerStatsResponse> {
    return this.docker.getStats(hostId, ref);
  }

  @Post(':ref/:action')
  @AdminOnly()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Done, or nothing to do (already in that state)' })
  @ApiConflictResponse({
    description: "Docker refused, e.g. pause a stopped container; Docker's reason",
  })
  act(
    @CurrentUser() actor: AuthUser,
    @Param() { hostId, ref, action }: DockerActionParams,
  ): Promise<void> {
    return this.docker.runAction(actor, hostId, ref, action, {});
  }

  @Delete(':ref')
  @AdminOnly()
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'The container is running and force is not true' })
  remove(
    @CurrentUser() actor: AuthUser,
    @Param() { hostId, ref }: DockerContainerParams,
    @Query() { force }: RemoveQuery,
  ): Promise<void> {
    return this.docker.runAction(actor, hostId, ref, 'remove', { force });
  }
}
