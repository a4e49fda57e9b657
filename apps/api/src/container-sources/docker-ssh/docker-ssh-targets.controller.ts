import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBearerAuth,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
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
  AcceptHostKeyDto,
  CreateSshTargetDto,
  HostKeyScanResponse,
  SshTargetParams,
  SshTargetResponse,
  SshTargetTestResponse,
  UpdateSshTargetDto,
} from './ssh-target.dto';
import { SshTargetsService } from './ssh-targets.service';

/** The SSH target inventory: admins only, every change audited, credentials write-only. */
@ApiTags('docker-ssh')
@ApiBearerAuth(USER_JWT)
@AdminOnly()
@ApiNotFoundResponse({ description: 'Unknown target' })
@Controller('docker-ssh/targets')
export class DockerSshTargetsController {
  constructor(private readonly targets: SshTargetsService) {}

  @Get()
  @ApiOkResponse({ type: [SshTargetResponse] })
  list(): Promise<SshTargetResponse[]> {
    return this.targets.list();
  }

  @Get(':targetId')
  @ApiOkResponse({ type: SshTargetResponse })
  get(@Param() { targetId }: SshTargetParams): Promise<SshTargetResponse> {
    return this.targets.get(targetId);
  }

  @Post()
  @ApiCreatedResponse({ type: SshTargetResponse, description: 'Created unpinned: scan, accept' })
  @ApiBadRequestResponse({ description: 'Invalid field, unusable key, or a jump chain cycle' })
  @ApiConflictResponse({ description: 'Name taken' })
  create(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CreateSshTargetDto,
  ): Promise<SshTargetResponse> {
    return this.targets.create(actor, dto);
  }

  @Patch(':targetId')
  @ApiOkResponse({ type: SshTargetResponse, description: 'Its pooled connection is closed' })
  @ApiBadRequestResponse({ description: 'Invalid field, unusable key, or a jump chain cycle' })
  @ApiConflictResponse({ description: 'Name taken' })
  update(
    @CurrentUser() actor: AuthUser,
    @Param() { targetId }: SshTargetParams,
    @Body() dto: UpdateSshTargetDto,
  ): Promise<SshTargetResponse> {
    return this.targets.update(actor, targetId, dto);
  }

  @Delete(':targetId')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Another target jumps through it' })
  remove(@CurrentUser() actor: AuthUser, @Param() { targetId }: SshTargetParams): Promise<void> {
    return this.targets.remove(actor, targetId);
  }

  @Post(':targetId/host-key/scan')
  @HttpCode(200)
  @ApiOkResponse({ type: HostKeyScanResponse, description: 'Read during key exchange, no login' })
  @ApiConflictResponse({ description: 'A jump host of the chain is not pinned' })
  @ApiBadGatewayResponse({ description: 'Unreachable, or a jump host key mismatch' })
  scan(@Param() { targetId }: SshTargetParams): Promise<HostKeyScanResponse> {
    return this.targets.scanHostKey(targetId);
  }

  @Post(':targetId/host-key/accept')
  @HttpCode(200)
  @ApiOkResponse({ type: SshTargetResponse, description: 'Pinned' })
  @ApiConflictResponse({ description: 'host key mismatch: the target presents another key now' })
  accept(
    @CurrentUser() actor: AuthUser,
    @Param() { targetId }: SshTargetParams,
    @Body() { fingerprint }: AcceptHostKeyDto,
  ): Promise<SshTargetResponse> {
    return this.targets.acceptHostKey(actor, targetId, fingerprint);
  }

  @Post(':targetId/test')
  @HttpCode(200)
  @ApiOkResponse({ type: SshTargetTestResponse, description: '`docker version` ran on the target' })
  @ApiConflictResponse({ description: 'A host key of the chain is not pinned' })
  @ApiBadGatewayResponse({ description: 'Unreachable, host key mismatch, login or docker failed' })
  @ApiGatewayTimeoutResponse({ description: 'The target did not answer in time' })
  test(@Param() { targetId }: SshTargetParams): Promise<SshTargetTestResponse> {
    return this.targets.test(targetId);
  }
}
