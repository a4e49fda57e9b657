import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBearerAuth,
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
  CreateDockerHostDto,
  DockerHostParams,
  DockerHostResponse,
  DockerHostTestResponse,
  SaveDockerHostQuery,
  UpdateDockerHostDto,
} from './docker-host.dto';
import { DockerTcpHostsService } from './docker-tcp-hosts.service';

const NOT_VERIFIED = 'The engine did not answer (not saved); the message says why';

@ApiTags('docker-tcp')
@ApiBearerAuth(USER_JWT)
@AdminOnly()
@Controller('docker/hosts')
export class DockerTcpHostsController {
  constructor(private readonly hosts: DockerTcpHostsService) {}

  @Get()
  @ApiOkResponse({ type: [DockerHostResponse], description: 'TLS material is never returned' })
  list(): Promise<DockerHostResponse[]> {
    return this.hosts.list();
  }

  @Post()
  @ApiCreatedResponse({
    type: DockerHostResponse,
    description: 'Verified first unless verify=false',
  })
  @ApiConflictResponse({ description: 'Name taken' })
  @ApiBadGatewayResponse({ description: NOT_VERIFIED })
  @ApiGatewayTimeoutResponse({ description: NOT_VERIFIED })
  create(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CreateDockerHostDto,
    @Query() { verify }: SaveDockerHostQuery,
  ): Promise<DockerHostResponse> {
    return this.hosts.create(actor, dto, verify);
  }

  @Patch(':hostId')
  @ApiOkResponse({ type: DockerHostResponse, description: 'A changed endpoint is verified first' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Name taken' })
  @ApiBadGatewayResponse({ description: NOT_VERIFIED })
  update(
    @CurrentUser() actor: AuthUser,
    @Param() { hostId }: DockerHostParams,
    @Body() dto: UpdateDockerHostDto,
    @Query() { verify }: SaveDockerHostQuery,
  ): Promise<DockerHostResponse> {
    return this.hosts.update(actor, hostId, dto, verify);
  }

  @Delete(':hostId')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@CurrentUser() actor: AuthUser, @Param() { hostId }: DockerHostParams): Promise<void> {
    return this.hosts.remove(actor, hostId);
  }

  @Post(':hostId/test')
  @HttpCode(200)
  @ApiOkResponse({ type: DockerHostTestResponse, description: 'Engine version, or why it failed' })
  @ApiNotFoundResponse()
  test(@Param() { hostId }: DockerHostParams): Promise<DockerHostTestResponse> {
    return this.hosts.test(hostId);
  }
}
