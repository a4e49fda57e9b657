import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { SshModule } from '../../ssh/ssh.module';
import { UsersModule } from '../../users/users.module';
import { ExecAuthenticator } from '../docker-tcp/exec/exec-auth';
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
  imports: [
    TypeOrmModule.forFeature([SshTargetEntity]),
    SshModule,
    UsersModule,
    // Verifies exec tokens with the same secret and algorithm as AuthModule's signer.
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [DockerSshTargetsController, DockerSshContainersController],
  providers: [
    SshTargetsRepository,
    SshTargetSecrets,
    SshTargetChains,
    DockerSshRunner,
    SshTargetsService,
    DockerSshService,
    DockerSshExecService,
    ExecAuthenticator,
    DockerSshExecGateway,
  ],
})
export class DockerSshModule {}
