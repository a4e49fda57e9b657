import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SshModule } from '../../ssh/ssh.module';
import { ExecModule } from '../exec/exec.module';
import { DockerSshContainersController } from './docker-ssh-containers.controller';
import { DockerSshTargetsController } from './docker-ssh-targets.controller';
import { DockerSshRunner } from './docker-ssh.runner';
import { DockerSshService } from './docker-ssh.service';
import { DockerSshExecGateway } from './exec/docker-ssh-exec.gateway';
import { DockerSshExecService } from './exec/docker-ssh-exec.service';
import { SshTargetChains } from './ssh-target-chains';
import { SshTargetSecrets } from './ssh-target-secrets';
import { SshTargetEntity } from './ssh-target.entity';
import { SshTargetsRepository } from './ssh-targets.repository';
import { SshTargetsService } from './ssh-targets.service';

/** The docker-ssh source (SPEC §3.2): targets, containers and exec over the SSH transport. */
@Module({
  imports: [TypeOrmModule.forFeature([SshTargetEntity]), SshModule, ExecModule],
  controllers: [DockerSshTargetsController, DockerSshContainersController],
  providers: [
    SshTargetsRepository,
    SshTargetSecrets,
    SshTargetChains,
    DockerSshRunner,
    SshTargetsService,
    DockerSshService,
    DockerSshExecService,
    DockerSshExecGateway,
  ],
})
export class DockerSshModule {}
