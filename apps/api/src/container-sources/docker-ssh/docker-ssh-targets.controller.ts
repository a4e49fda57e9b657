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
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { ApiErrors, SIGNED_IN_ADMIN } from '../../common/openapi/api-errors';
import { ApiJsonBody } from '../../common/openapi/api-json-body';
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

/** The errors of every route of one target: a bad or unknown targetId. */
const TARGET_ERRORS = {
  400: 'targetId is not a UUID',
  ...SIGNED_IN_ADMIN,
  404: 'No SSH target with this id',
};
const INVALID_TARGET = 'Invalid field, unusable key, or a bad jump chain; the message names it';
const FINGERPRINT = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';

/** The SSH target inventory: admins only, every change audited, credentials write-only. */
@ApiTags('docker-ssh')
@ApiBearerAuth(USER_JWT)
@AdminOnly()
@Controller('docker-ssh/targets')
export class DockerSshTargetsController {
  constructor(private readonly targets: SshTargetsService) {}

  @Get()
  @ApiOperation({
    operationId: 'listSshTargets',
    summary: 'List SSH targets',
    description:
      'Every machine reached over SSH, whose `docker` CLI serves its containers, with its jump ' +
      'host and pinned host key. Credentials are never returned. Admins only.',
  })
  @ApiOkResponse({ type: [SshTargetResponse] })
  @ApiErrors(SIGNED_IN_ADMIN)
  list(): Promise<SshTargetResponse[]> {
    return this.targets.list();
  }

  @Get(':targetId')
  @ApiOperation({
    operationId: 'getSshTarget',
    summary: 'Get an SSH target',
    description: 'One SSH target, without its credentials. Admins only.',
  })
  @ApiOkResponse({ type: SshTargetResponse })
  @ApiErrors(TARGET_ERRORS)
  get(@Param() { targetId }: SshTargetParams): Promise<SshTargetResponse> {
    return this.targets.get(targetId);
  }

  @Post()
  @ApiOperation({
    operationId: 'createSshTarget',
    summary: 'Add an SSH target',
    description:
      'Saves the target with a password or a private key (exactly one; stored encrypted, never ' +
      'returned), optionally behind another target as jump host. It is created unpinned: ' +
      'nothing runs on it until its host key is scanned and trusted. Audited. Admins only.',
  })
  @ApiJsonBody(CreateSshTargetDto, {
    key: {
      summary: 'Key auth through a jump host',
      description: 'Private key shortened here; jumpTargetId is another target',
      value: {
        name: 'docker02',
        host: '10.0.0.6',
        port: 22,
        username: 'deploy',
        privateKey:
          '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn…\n-----END OPENSSH PRIVATE KEY-----\n',
        jumpTargetId: '3f1c2b9e-8a4d-4c6f-9b2e-1d7a5e0c4b21',
      },
    },
    password: {
      summary: 'Password auth',
      value: {
        name: 'docker01',
        host: 'docker01.lan',
        port: 22,
        username: 'deploy',
        password: 'deploy-password-1',
        dockerCommand: '/usr/bin/docker',
      },
    },
  })
  @ApiCreatedResponse({
    type: SshTargetResponse,
    description: 'Created unpinned: scan its host key, then trust it',
  })
  @ApiErrors({ 400: INVALID_TARGET, ...SIGNED_IN_ADMIN, 409: 'Name taken' })
  create(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CreateSshTargetDto,
  ): Promise<SshTargetResponse> {
    return this.targets.create(actor, dto);
  }

  @Patch(':targetId')
  @ApiOperation({
    operationId: 'updateSshTarget',
    summary: 'Update an SSH target',
    description:
      'Changes the fields given; omitted ones stay. A new password or privateKey replaces the ' +
      'stored credentials. Its pooled SSH connection is closed. Audited, naming the changed ' +
      'fields only. Admins only.',
  })
  @ApiJsonBody(UpdateSshTargetDto, {
    password: { summary: 'New password', value: { password: 'deploy-password-2' } },
    direct: { summary: 'Connect without a jump host', value: { jumpTargetId: null } },
  })
  @ApiOkResponse({ type: SshTargetResponse, description: 'Its pooled connection is closed' })
  @ApiErrors({ ...TARGET_ERRORS, 400: INVALID_TARGET, 409: 'Name taken' })
  update(
    @CurrentUser() actor: AuthUser,
    @Param() { targetId }: SshTargetParams,
    @Body() dto: UpdateSshTargetDto,
  ): Promise<SshTargetResponse> {
    return this.targets.update(actor, targetId, dto);
  }

  @Delete(':targetId')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteSshTarget',
    summary: 'Remove an SSH target',
    description:
      'Forgets the target and its credentials and closes its connection; its containers are ' +
      'not touched. Refused while another target jumps through it. Audited. Admins only.',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors({ ...TARGET_ERRORS, 409: 'Another target jumps through it' })
  remove(@CurrentUser() actor: AuthUser, @Param() { targetId }: SshTargetParams): Promise<void> {
    return this.targets.remove(actor, targetId);
  }

  @Post(':targetId/host-key/scan')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'scanSshTargetHostKey',
    summary: 'Scan the host key',
    description:
      'Reads the host key the target presents now, during key exchange, through its pinned jump ' +
      'hosts; no login, nothing runs. Check the fingerprint out of band, then trust it. Takes ' +
      'no body. Admins only.',
  })
  @ApiOkResponse({ type: HostKeyScanResponse, description: 'Read during key exchange, no login' })
  @ApiErrors({
    ...TARGET_ERRORS,
    409: 'A jump host of the chain is not pinned',
    502: 'Unreachable, or a jump host presents another key than the pinned one',
    504: 'The target did not answer in time',
  })
  scan(@Param() { targetId }: SshTargetParams): Promise<HostKeyScanResponse> {
    return this.targets.scanHostKey(targetId);
  }

  @Post(':targetId/host-key/accept')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'trustSshTargetHostKey',
    summary: 'Trust the host key',
    description:
      'Pins the fingerprint if, and only if, the target presents that key right now (it is ' +
      'scanned again). From then on every connection checks it. Audited. Admins only.',
  })
  @ApiJsonBody(AcceptHostKeyDto, {
    scanned: { summary: 'The fingerprint the scan returned', value: { fingerprint: FINGERPRINT } },
  })
  @ApiOkResponse({ type: SshTargetResponse, description: 'Pinned' })
  @ApiErrors({
    ...TARGET_ERRORS,
    400: 'targetId is not a UUID, or fingerprint is not SHA256:<43 base64 characters>',
    409: 'The target presents another key now, or a jump host is not pinned; nothing was pinned',
    502: 'Unreachable, or a jump host presents another key than the pinned one',
    504: 'The target did not answer in time',
  })
  accept(
    @CurrentUser() actor: AuthUser,
    @Param() { targetId }: SshTargetParams,
    @Body() { fingerprint }: AcceptHostKeyDto,
  ): Promise<SshTargetResponse> {
    return this.targets.acceptHostKey(actor, targetId, fingerprint);
  }

  @Post(':targetId/test')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'testSshTarget',
    summary: 'Test an SSH target',
    description:
      'Connects through the whole jump chain, checking every pinned host key, signs in and runs ' +
      '`docker version`. Takes no body. Admins only.',
  })
  @ApiOkResponse({ type: SshTargetTestResponse, description: '`docker version` ran on the target' })
  @ApiErrors({
    ...TARGET_ERRORS,
    409: 'A host key of the chain is not pinned',
    429: 'Every SSH channel to the target is in use; retry',
    502: 'Unreachable, host key mismatch, sign-in or docker failed; the message says which',
    504: 'The target did not answer in time',
  })
  test(@Param() { targetId }: SshTargetParams): Promise<SshTargetTestResponse> {
    return this.targets.test(targetId);
  }
}
