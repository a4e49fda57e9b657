import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokensModule } from '../../access-tokens/access-tokens.module';
import { AgentReportEntity } from './agent-report.entity';
import { AgentReportWriter } from './agent-report-writer';
import { AgentStatsEntity } from './agent-stats.entity';
import { AgentTokensController } from './agent-tokens.controller';
import { AgentTokensService } from './agent-tokens.service';
import { AgentReportsRepository } from './agent-reports.repository';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentReportEntity, AgentStatsEntity]), AccessTokensModule],
  controllers: [AgentsController, AgentTokensController],
  providers: [AgentsService, AgentReportsRepository, AgentReportWriter, AgentTokensService],
  exports: [AgentReportsRepository],
})
export class AgentsModule {}
