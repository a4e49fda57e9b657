import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SshModule } from '../../ssh/ssh.module';
import { DockerSshTargetsController } from './docker-ssh-targets.controller';
import { DockerSshRunner } from './docker-ssh.runner';
import { DockerSshService } from './docker-ssh.service';
import { DockerSshExecService } from './exec/docker-ssh-exec.service';
import { DockerSshLogFollower } from './ssh-log-follow';
import { SshStatsSampler } from './ssh-stats-sampler';
import { SshTargetChains } from './ssh-target-chains';
import { SshTargetSecrets } from './ssh-target-secrets';
import { SshTargetEntity } from './ssh-target.entity';
import { SshTargetsRepository } from './ssh-targets.repository';
import { SshTargetsService } from './ssh-targets.service';

/**
 * The docker-ssh source (docs/docker-over-ssh.md): targets, containers and exec over SSH, and
 * the stats sampler that feeds the metrics history.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SshTargetEntity]), SshModule],
  controllers: [DockerSshTargetsController],
  providers: [
    SshTargetsRepository,
    SshTargetSecrets,
    SshTargetChains,
    DockerSshRunner,
    SshTargetsService,
    DockerSshService,
    DockerSshExecService,
    DockerSshLogFollower,
    SshStatsSampler,
  ],
})
export class DockerSshModule {}
