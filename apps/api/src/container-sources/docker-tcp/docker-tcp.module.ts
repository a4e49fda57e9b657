import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { UsersModule } from '../../users/users.module';
import { DockerContainersController } from './docker-containers.controller';
import { DockerHostEntity } from './docker-host.entity';
import { DockerHostsController } from './docker-hosts.controller';
import { DockerHostsRepository } from './docker-hosts.repository';
import { DockerHostsService } from './docker-hosts.service';
import { DockerTcpService } from './docker-tcp.service';
import { DockerEngineClients } from './engine-client';
import { DockerExecGateway } from './exec/docker-exec.gateway';
import { DockerExecService } from './exec/docker-exec.service';
import { ExecAuthenticator } from './exec/exec-auth';

@Module({
  imports: [
    TypeOrmModule.forFeature([DockerHostEntity]),
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
  controllers: [DockerHostsController, DockerContainersController],
  providers: [
    DockerHostsRepository,
    DockerHostsService,
    DockerEngineClients,
    DockerTcpService,
    DockerExecService,
    ExecAuthenticator,
    DockerExecGateway,
  ],
})
export class DockerTcpModule {}
