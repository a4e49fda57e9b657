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

/**
 * The report schema (docs/docker-agent-monitoring.md, "Delta reports"): version 1 reports have
 * no `schemaVersion` and are always full; version 2 adds the inventory digest and the steady
 * report.
 */
export const AGENT_REPORT_SCHEMA_VERSION = 2;

/** A steady report's stats of one container, in this order (numbers as in AgentContainerStats). */
export const STEADY_STATS_FIELDS = [
  'cpuPercent',
  'memUsage',
  'memLimit',
  'netRxBytes',
  'netTxBytes',
  'blockReadBytes',
  'blockWriteBytes',
] as const satisfies readonly (keyof AgentContainerStats)[];

export type SteadyStats = [number, number, number, number, number, number, number];

/** The whole report an agent posts for its host: every container, inventory and stats. */
export interface AgentReport {
  /** Absent in version 1 reports. */
  schemaVersion?: 1 | 2;
  kind?: 'full';
  hostId: string;
  hostname: string;
  agentVersion: string;
  reportedAt: string;
  /** SHA-256 (hex) the agent computed over everything but the stats; opaque to the server. */
  inventoryDigest?: string;
  containers: AgentContainer[];
}

/**
 * One container of a steady report: its id (12 to 64 hex), Docker's status text (it says how
 * long ago, "Up 5 seconds", so it changes without the inventory changing) and its stats.
 */
export interface AgentSteadyContainer {
  id: string;
  status: string;
  stats: SteadyStats | null;
}

/**
 * What an agent sends while its inventory is the one the server holds (the same digest): host
 * fields, the digest, and per container only id, status text and stats.
 */
export interface AgentSteadyReport {
  schemaVersion: 2;
  kind: 'steady';
  hostId: string;
  hostname: string;
  agentVersion: string;
  reportedAt: string;
  inventoryDigest: string;
  containers: AgentSteadyContainer[];
}

/** The answer to a steady report whose digest the server does not hold (409). */
export interface AgentNeedFull {
  statusCode: 409;
  error: 'Conflict';
  message: string;
  needFull: true;
}

export const steadyStatsOf = (stats: SteadyStats): AgentContainerStats => ({
  cpuPercent: stats[0],
  memUsage: stats[1],
  memLimit: stats[2],
  netRxBytes: stats[3],
  netTxBytes: stats[4],
  blockReadBytes: stats[5],
  blockWriteBytes: stats[6],
});

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
  /** Which kind of report was stored. */
  kind: 'full' | 'steady';
}
