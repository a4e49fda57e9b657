import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '../../common/decorators/admin-only.decorator';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { ApiErrors, SIGNED_IN_ADMIN } from '../../common/openapi/api-errors';
import { ApiJsonBody } from '../../common/openapi/api-json-body';
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

const UNKNOWN_HOST = { 404: 'No Docker API host with this id' };
const NOT_VERIFIED = {
  502: 'The engine did not answer or refused (nothing saved); the message says why',
  504: 'The engine did not answer in time (nothing saved)',
};
const INVALID_HOST = 'Invalid field, url, TLS material or verify; the message names it';
const PEM = (label: string): string => `-----BEGIN ${label}-----\nMIIB…\n-----END ${label}-----\n`;

/** The inventory of Docker Engine API endpoints; their containers are ContainersController's. */
@ApiTags('docker-tcp')
@ApiBearerAuth(USER_JWT)
@AdminOnly()
@Controller('docker/hosts')
export class DockerTcpHostsController {
  constructor(private readonly hosts: DockerTcpHostsService) {}

  @Get()
  @ApiOperation({
    operationId: 'listDockerTcpHosts',
    summary: 'List Docker API hosts',
    description:
      'Every Docker Engine API endpoint (tcp://, optionally with client TLS, or a unix socket) ' +
      'with when it last answered. TLS material is never returned. Admins only.',
  })
  @ApiOkResponse({ type: [DockerHostResponse], description: 'TLS material is never returned' })
  @ApiErrors(SIGNED_IN_ADMIN)
  list(): Promise<DockerHostResponse[]> {
    return this.hosts.list();
  }

  @Post()
  @ApiOperation({
    operationId: 'createDockerTcpHost',
    summary: 'Add a Docker API host',
    description:
      'Connects to the engine and saves it if it answers; `verify=false` saves an engine that ' +
      'is down. TLS material is checked (certificates, key matches cert), stored encrypted and ' +
      'never returned. Audited. Admins only.',
  })
  @ApiJsonBody(CreateDockerHostDto, {
    tls: {
      summary: 'TCP with client TLS',
      description: 'An engine started with --tlsverify; PEM text shortened here',
      value: {
        name: 'docker01',
        url: 'tcp://docker01.lan:2376',
        tls: { ca: PEM('CERTIFICATE'), cert: PEM('CERTIFICATE'), key: PEM('PRIVATE KEY') },
      },
    },
    socket: {
      summary: 'The local socket',
      value: { name: 'local', url: 'unix:///var/run/docker.sock' },
    },
  })
  @ApiCreatedResponse({
    type: DockerHostResponse,
    description: 'Verified first unless verify=false',
  })
  @ApiErrors({
    400: INVALID_HOST,
    ...SIGNED_IN_ADMIN,
    409: 'Name taken',
    ...NOT_VERIFIED,
  })
  create(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CreateDockerHostDto,
    @Query() { verify }: SaveDockerHostQuery,
  ): Promise<DockerHostResponse> {
    return this.hosts.create(actor, dto, verify);
  }

  @Patch(':hostId')
  @ApiOperation({
    operationId: 'updateDockerTcpHost',
    summary: 'Update a Docker API host',
    description:
      'Changes the fields given; omitted ones stay, `tls: null` removes the TLS material. A ' +
      'changed url or tls is verified first unless `verify=false`. Audited, without the ' +
      'material. Admins only.',
  })
  @ApiJsonBody(UpdateDockerHostDto, {
    rename: { summary: 'Rename', value: { name: 'docker01-old' } },
    move: {
      summary: 'New endpoint without TLS',
      value: { url: 'tcp://10.0.0.7:2375', tls: null },
    },
  })
  @ApiOkResponse({ type: DockerHostResponse, description: 'A changed endpoint is verified first' })
  @ApiErrors({
    400: INVALID_HOST,
    ...SIGNED_IN_ADMIN,
    ...UNKNOWN_HOST,
    409: 'Name taken',
    ...NOT_VERIFIED,
  })
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
  @ApiOperation({
    operationId: 'deleteDockerTcpHost',
    summary: 'Remove a Docker API host',
    description:
      'Forgets the endpoint and its TLS material; its containers are not touched. Audited. ' +
      'Admins only.',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors({ 400: 'hostId is not a UUID', ...SIGNED_IN_ADMIN, ...UNKNOWN_HOST })
  remove(@CurrentUser() actor: AuthUser, @Param() { hostId }: DockerHostParams): Promise<void> {
    return this.hosts.remove(actor, hostId);
  }

  @Post(':hostId/test')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'testDockerTcpHost',
    summary: 'Test a Docker API host',
    description:
      'Asks the engine for its version now. An engine that is down is not an error: the ' +
      'answer has `ok: false` and the reason. Takes no body. Admins only.',
  })
  @ApiOkResponse({ type: DockerHostTestResponse, description: 'Engine version, or why it failed' })
  @ApiErrors({ 400: 'hostId is not a UUID', ...SIGNED_IN_ADMIN, ...UNKNOWN_HOST })
  test(@Param() { hostId }: DockerHostParams): Promise<DockerHostTestResponse> {
    return this.hosts.test(hostId);
  }
}
