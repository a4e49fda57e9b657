import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DockerHostEntity } from './docker-host.entity';
import { DockerTcpHostsController } from './docker-tcp-hosts.controller';
import { DockerTcpHostsRepository } from './docker-tcp-hosts.repository';
import { DockerTcpHostsService } from './docker-tcp-hosts.service';
import { DockerTcpService } from './docker-tcp.service';
import { DockerTcpEngineClients } from './engine-client';
import { DockerTcpExecService } from './exec/docker-tcp-exec.service';
import { DockerTcpStatsCollector } from './stats-collector';

/** The docker-tcp source: stored Engine API hosts, their containers, stats and exec. */
@Module({
  imports: [TypeOrmModule.forFeature([DockerHostEntity])],
  controllers: [DockerTcpHostsController],
  providers: [
    DockerTcpHostsRepository,
    DockerTcpHostsService,
    DockerTcpEngineClients,
    DockerTcpStatsCollector,
    DockerTcpService,
    DockerTcpExecService,
  ],
})
export class DockerTcpModule {}
