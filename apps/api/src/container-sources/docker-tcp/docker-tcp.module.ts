import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DockerContainersController } from './docker-containers.controller';
import { DockerHostEntity } from './docker-host.entity';
import { DockerHostsController } from './docker-hosts.controller';
import { DockerHostsRepository } from './docker-hosts.repository';
import { DockerHostsService } from './docker-hosts.service';
import { DockerTcpService } from './docker-tcp.service';
import { DockerEngineClients } from './engine-client';
import { DockerStatsCollector } from './stats-collector';
import { DockerExecGateway } from './exec/docker-exec.gateway';
import { DockerExecService } from './exec/docker-exec.service';
import { ExecModule } from '../exec/exec.module';

@Module({
  imports: [TypeOrmModule.forFeature([DockerHostEntity]), ExecModule],
  controllers: [DockerHostsController, DockerContainersController],
  providers: [
    DockerHostsRepository,
    DockerHostsService,
    DockerEngineClients,
    DockerStatsCollector,
    DockerTcpService,
    DockerExecService,
    DockerExecGateway,
  ],
})
export class DockerTcpModule {}
