import type {
  ContainerState,
  EnvVar,
  HealthState,
  Mount,
  NetworkAttachment,
  PortBinding,
} from './containers';

/** Host ids are chosen by the operator and stable: letters, digits, dot, dash, underscore. */
export const AGENT_HOST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export interface AgentContainerStats {
  cpuPercent: number;
  memUsage: number;
  memLimit: number;
  netRxBytes: number;
  netTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
}

/** One container as the push agent reports it (docs/docker-agent-monitoring.md). */
export interface AgentContainer {
  id: string;
  name: string;
  image: string;
  imageId: string;
  state: ContainerState;
  status: string;
  createdAt: string;
  startedAt: string | null;
  restartCount: number;
  restartPolicy: string;
  health: HealthState;
  ports: PortBinding[];
  networks: NetworkAttachment[];
  mounts: Mount[];
  env: EnvVar[];
  command: string;
  labels: Record<string, string>;
  stats: AgentContainerStats | null;
}

/** The whole report an agent posts for its host. */
export interface AgentReport {
  hostId: string;
  hostname: string;
  agentVersion: string;
  reportedAt: string;
  containers: AgentContainer[];
}

export interface AgentHost {
  hostId: string;
  hostname: string;
  agentVersion: string;
  reportedAt: string;
  receivedAt: string;
  containerCount: number;
  stale: boolean;
}

export interface AgentReportReceipt {
  hostId: string;
  receivedAt: string;
  containerCount: number;
}
