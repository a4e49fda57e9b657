import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentReportEntity } from './agent-report.entity';
import { AgentReportsRepository } from './agent-reports.repository';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentReportEntity])],
  controllers: [AgentsController],
  providers: [AgentsService, AgentReportsRepository],
})
export class AgentsModule {}
