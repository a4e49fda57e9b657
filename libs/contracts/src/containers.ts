/** Where a host's containers come from. */
export const SOURCE_KINDS = ['docker-tcp', 'docker-ssh', 'agent'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** What a source can do; the console derives every control and field from this. */
export const CAPABILITIES = ['inspect', 'stats', 'logs', 'manage', 'exec'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export type HostStatus = 'online' | 'stale' | 'unreachable' | 'unknown';

export interface ContainerHost {
  source: SourceKind;
  hostId: string;
  name: string;
  status: HostStatus;
  containerCount: number | null;
  capabilities: Capability[];
  /** Last time the server heard from this host (agent report, successful probe). */
  lastSeenAt: string | null;
}

export const CONTAINER_STATES = [
  'running',
  'exited',
  'paused',
  'created',
  'restarting',
  'dead',
  'removing',
] as const;
export type ContainerState = (typeof CONTAINER_STATES)[number];

export const HEALTH_STATES = ['healthy', 'unhealthy', 'starting', 'none'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export interface PortBinding {
  hostIp: string | null;
  hostPort: number | null;
  containerPort: number;
  proto: 'tcp' | 'udp' | 'sctp';
}

export interface NetworkAttachment {
  name: string;
  ip: string | null;
}

export interface Mount {
  type: string;
  source: string;
  destination: string;
  rw: boolean;
}

export interface EnvVar {
  key: string;
  value: string;
}

export interface ContainerStats {
  cpuPercent: number | null;
  memUsage: number | null;
  memLimit: number | null;
  netRxBytes: number | null;
  netTxBytes: number | null;
  blockReadBytes: number | null;
  blockWriteBytes: number | null;
}

/** One row of a container list. Fields a source cannot provide are null. */
export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  status: string;
  createdAt: string | null;
  ports: PortBinding[];
  stats: ContainerStats | null;
}

/** The normalized detail every source maps to. */
export interface ContainerDetail extends ContainerSummary {
  imageId: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  restartCount: number | null;
  restartPolicy: string | null;
  health: HealthState | null;
  networks: NetworkAttachment[];
  mounts: Mount[];
  env: EnvVar[];
  labels: Record<string, string>;
  command: string | null;
  entrypoint: string | null;
}

export const CONTAINER_ACTIONS = [
  'start',
  'stop',
  'restart',
  'pause',
  'unpause',
  'remove',
] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** RFC 3339 timestamp from the engine, when the source provides one. */
  timestamp: string | null;
  text: string;
}

export interface ContainerLogs {
  lines: LogLine[];
  /** True when the output was cut at the source's size cap. */
  truncated: boolean;
}

/** Log tail bounds every source honours. */
export const LOG_TAIL_DEFAULT = 200;
export const LOG_TAIL_MAX = 5000;

/** A container row of the "All hosts" view: the summary plus where it runs. */
export interface HostContainer extends ContainerSummary {
  source: SourceKind;
  hostId: string;
  hostName: string;
}

export interface HostFailure {
  source: SourceKind;
  hostId: string;
  message: string;
}

/** Every container of every reachable host; hosts that failed are listed, not fatal. */
export interface AllContainers {
  containers: HostContainer[];
  failures: HostFailure[];
}
