import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiGatewayTimeoutResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { AdminOnly } from '../../common/decorators/admin-only.decorator';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import {
  ContainerDetailResponse,
  ContainerLogsResponse,
  ContainerStatsResponse,
  ContainerSummaryResponse,
  LogsQuery,
  RemoveQuery,
} from '../../containers/containers.dto';
import { USER_JWT } from '../../openapi';
import { IsContainerRef } from '../container-ref';
import { DockerSshService } from './docker-ssh.service';
import { SshTargetParams } from './ssh-target.dto';

/** `POST …/:action` verbs; remove is `DELETE`. Anything else is a 400 before any connection. */
const POST_ACTIONS = ['start', 'stop', 'restart', 'pause', 'unpause'] as const;
type PostAction = (typeof POST_ACTIONS)[number];

export class SshContainerParams extends SshTargetParams {
  @ApiProperty({ description: 'Container name or 12-64 character hex id' })
  @IsContainerRef()
  ref!: string;
}

export class SshActionParams extends SshContainerParams {
  @ApiProperty({ enum: POST_ACTIONS })
  @IsIn(POST_ACTIONS, { message: `action must be one of ${POST_ACTIONS.join(', ')}` })
  action!: PostAction;
}

/** Containers of one SSH target, the same shapes as the Docker TCP routes. */
@ApiTags('docker-ssh')
@ApiBearerAuth(USER_JWT)
@ApiBadGatewayResponse({ description: 'Unreachable, host key mismatch, or docker failed' })
@ApiGatewayTimeoutResponse({ description: 'The target did not answer in time' })
@ApiNotFoundResponse({ description: 'Unknown target or container' })
@Controller('docker-ssh/targets/:targetId/containers')
export class DockerSshContainersController {
  constructor(private readonly docker: DockerSshService) {}

  @Get()
  @ApiOkResponse({ type: [ContainerSummaryResponse], description: 'All states' })
  list(@Param() { targetId }: SshTargetParams): Promise<ContainerSummaryResponse[]> {
    return this.docker.listContainers(targetId);
  }

  @Get(':ref')
  @ApiOkResponse({ type: ContainerDetailResponse, description: 'Env values masked' })
  get(@Param() { targetId, ref }: SshContainerParams): Promise<ContainerDetailResponse> {
    return this.docker.getContainer(targetId, ref);
  }

  @Get(':ref/logs')
  @ApiOkResponse({ type: ContainerLogsResponse })
  logs(
    @Param() { targetId, ref }: SshContainerParams,
    @Query() { tail }: LogsQuery,
  ): Promise<ContainerLogsResponse> {
    return this.docker.getLogs(targetId, ref, { tail, timestamps: true });
  }

  @Get(':ref/stats')
  @ApiOkResponse({ type: ContainerStatsResponse })
  stats(@Param() { targetId, ref }: SshContainerParams): Promise<ContainerStatsResponse> {
    return this.docker.getStats(targetId, ref);
  }

  @Post(':ref/:action')
  @AdminOnly()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Done; recorded in the audit log' })
  @ApiConflictResponse({ description: 'Not possible in its state (e.g. pausing a stopped one)' })
  act(@CurrentUser() actor: AuthUser, @Param() params: SshActionParams): Promise<void> {
    const { targetId, ref, action } = params;
    return this.docker.runAction(actor, targetId, ref, action, {});
  }

  @Delete(':ref')
  @AdminOnly()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed; recorded in the audit log' })
  @ApiConflictResponse({ description: 'Running, and force was not set' })
  remove(
    @CurrentUser() actor: AuthUser,
    @Param() { targetId, ref }: SshContainerParams,
    @Query() { force }: RemoveQuery,
  ): Promise<void> {
    return this.docker.runAction(actor, targetId, ref, 'remove', { force });
  }
}
