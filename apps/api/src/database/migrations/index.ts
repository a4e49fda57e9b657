import { InitialSchema1764259200000 } from './1764259200000-initial-schema';
import { AgentReports1764345600000 } from './1764345600000-agent-reports';
import { DockerHosts1764432000000 } from './1764432000000-docker-hosts';
import { SshTargets1764518400000 } from './1764518400000-ssh-targets';
import { MetricsHistory1764604800000 } from './1764604800000-metrics-history';
import { AgentDeltaReports1764691200000 } from './1764691200000-agent-delta-reports';
import { AccessTokens1764777600000 } from './1764777600000-access-tokens';
import { Alerts1764864000000 } from './1764864000000-alerts';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [
  InitialSchema1764259200000,
  AgentReports1764345600000,
  DockerHosts1764432000000,
  SshTargets1764518400000,
  MetricsHistory1764604800000,
  AgentDeltaReports1764691200000,
  AccessTokens1764777600000,
  Alerts1764864000000,
];
