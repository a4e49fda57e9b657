import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentReportEntity } from './agent-report.entity';
import { AgentReportWriter } from './agent-report-writer';
import { AgentStatsEntity } from './agent-stats.entity';
import { AgentReportsRepository } from './agent-reports.repository';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentReportEntity, AgentStatsEntity])],
  controllers: [AgentsController],
  providers: [AgentsService, AgentReportsRepository, AgentReportWriter],
})
export class AgentsModule {}
