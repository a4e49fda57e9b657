import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { AgentsModule } from '../container-sources/agents/agents.module';
import { AlertChannelEntity } from './channels/alert-channel.entity';
import { AlertChannelsController } from './channels/alert-channels.controller';
import { AlertChannelsService } from './channels/alert-channels.service';
import { AlertSender } from './delivery/alert-sender';
import { AgentObservations } from './evaluation/agent-observations';
import { AlertEvaluator } from './evaluation/alert-evaluator';
import { AlertMemoryEntity } from './evaluation/alert-memory.entity';
import { ExpectedStops } from './evaluation/expected-stops';
import { WindowAverages } from './evaluation/window-averages';
import { HostObservationEntity } from './evaluation/host-observation.entity';
import { HostObservations } from './evaluation/host-observations';
import { AlertDeliveryEntity, AlertEventEntity } from './events/alert-event.entity';
import { AlertEventsController } from './events/alert-events.controller';
import { AlertEventsService } from './events/alert-events.service';
import { AlertOutbox } from './events/alert-outbox';
import { AlertRuleEntity } from './rules/alert-rule.entity';
import { AlertRulesController } from './rules/alert-rules.controller';
import { AlertRulesService } from './rules/alert-rules.service';

/**
 * Alerts (docs/alerts.md): rules, channels and events; the evaluator and the sender. Global so
 * the collectors can hand their rounds to HostObservations without importing this module.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([
      AlertRuleEntity,
      AlertChannelEntity,
      AlertEventEntity,
      AlertDeliveryEntity,
      AlertMemoryEntity,
      HostObservationEntity,
      AuditEntryEntity,
    ]),
    AgentsModule,
  ],
  controllers: [AlertRulesController, AlertChannelsController, AlertEventsController],
  providers: [
    AlertRulesService,
    AlertChannelsService,
    AlertEventsService,
    HostObservations,
    AgentObservations,
    ExpectedStops,
    WindowAverages,
    AlertOutbox,
    AlertEvaluator,
    AlertSender,
  ],
  exports: [HostObservations],
})
export class AlertsModule {}
