import { AccessTokenEntity } from '../access-tokens/access-token.entity';
import { AlertChannelEntity } from '../alerts/channels/alert-channel.entity';
import { AlertMemoryEntity } from '../alerts/evaluation/alert-memory.entity';
import { HostObservationEntity } from '../alerts/evaluation/host-observation.entity';
import { AlertDeliveryEntity, AlertEventEntity } from '../alerts/events/alert-event.entity';
import { AlertRuleEntity } from '../alerts/rules/alert-rule.entity';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { AgentReportEntity } from '../container-sources/agents/agent-report.entity';
import { AgentStatsEntity } from '../container-sources/agents/agent-stats.entity';
import { SshTargetEntity } from '../container-sources/docker-ssh/ssh-target.entity';
import { DockerHostEntity } from '../container-sources/docker-tcp/docker-host.entity';
import { UserEntity } from '../users/user.entity';

/** Every TypeORM entity; each lives in its feature's folder. */
export const ENTITIES = [
  UserEntity,
  AccessTokenEntity,
  AuditEntryEntity,
  AgentReportEntity,
  AgentStatsEntity,
  DockerHostEntity,
  SshTargetEntity,
  AlertRuleEntity,
  AlertChannelEntity,
  AlertEventEntity,
  AlertDeliveryEntity,
  AlertMemoryEntity,
  HostObservationEntity,
];
