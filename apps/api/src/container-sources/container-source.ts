import type {
  Capability,
  ContainerAction,
  ContainerDetail,
  ContainerHost,
  ContainerLogs,
  LogLine,
  ContainerStats,
  ContainerSummary,
  SourceKind,
} from '@archnest/contracts';
import type { ExecRequest, SourceExec } from './exec/exec-handle';

export interface LogOptions {
  /** Number of most recent lines, 1..LOG_TAIL_MAX. */
  tail: number;
  /** Prefix each line with Docker's RFC 3339 timestamp (then parsed into `timestamp`). */
  timestamps: boolean;
  /** Only lines written at or after / before this time. */
  since?: Date;
  until?: Date;
}

/** What a live follow asks for: the history first, then every new line. */
export interface FollowOptions {
  /** Lines of history first, 0..LOG_FOLLOW_LIMITS.maxTail. */
  tail: number;
  since?: Date;
}

/** One line of a follow; `timestamp` is the engine's, null only if it sent none. */
export type FollowedLine = LogLine;

/**
 * How a follow ended. `ended`: the stream came to its end (the container stopped, or stop()
 * was called). `failed`: it broke midway (connection lost, engine error); `reason` is a fixed
 * phrase a client may read, `cause` the details, for the server log only.
 */
export type FollowEnd =
  { kind: 'ended'; reason: string } | { kind: 'failed'; reason: string; cause?: unknown };

/** A running follow: lines go to the callback given to followLogs until it ends. */
export interface LogFollow {
  /** Resolves (never rejects) once the stream ended or broke. */
  readonly ended: Promise<FollowEnd>;
  /** Ends the follow at once, remotely too (the engine request or the SSH channel). */
  stop(): void;
}

export interface ActionOptions {
  /** For `remove`: remove a running container too. */
  force?: boolean;
}

/** `unchanged`: the container already was in the asked state (e.g. stop a stopped one). */
export type ActionOutcome = 'done' | 'unchanged';

/**
 * One way of reaching containers (Docker Engine API, Docker over SSH, push agent). Each source
 * lives in its own folder, states what it can do, and joins the SourceRegistry at start-up; the
 * aggregator never looks inside a source. Container refs are validated (container-ref.ts) before
 * they get here; auditing is the caller's job.
 */
export interface ContainerSource {
  readonly kind: SourceKind;
  /** What it offers beyond listing; each capability but `inspect` comes with its method. */
  readonly capabilities: readonly Capability[];
  /** Every host this source knows, with a status; must not throw for one unreachable host. */
  listHosts(): Promise<ContainerHost[]>;
  /** The display name of a host (for audit targets); a 404 when the source does not know it. */
  hostName(hostId: string): Promise<string>;
  listContainers(hostId: string): Promise<ContainerSummary[]>;
  getContainer(hostId: string, containerRef: string): Promise<ContainerDetail>;
  getLogs?(hostId: string, containerRef: string, options: LogOptions): Promise<ContainerLogs>;
  /** Resolves once the stream is open; errors (no such container…) reject before that. */
  followLogs?(
    hostId: string,
    containerRef: string,
    options: FollowOptions,
    onLine: (line: FollowedLine) => void,
  ): Promise<LogFollow>;
  getStats?(hostId: string, containerRef: string): Promise<ContainerStats>;
  runAction?(
    hostId: string,
    containerRef: string,
    action: ContainerAction,
    options: ActionOptions,
  ): Promise<ActionOutcome>;
  openExec?(hostId: string, containerRef: string, request: ExecRequest): Promise<SourceExec>;
}

/** The methods each capability promises; `inspect` is the base contract. */
export const CAPABILITY_METHODS = {
  inspect: [],
  logs: ['getLogs', 'followLogs'],
  stats: ['getStats'],
  manage: ['runAction'],
  exec: ['openExec'],
} as const satisfies Record<Capability, readonly (keyof ContainerSource)[]>;

type MethodOf<C extends Capability> = (typeof CAPABILITY_METHODS)[C][number];

/** A source known to offer `C`: its method is present, so callers need no `!`. */
export type SourceWith<C extends Capability> = ContainerSource &
  Required<Pick<ContainerSource, MethodOf<C>>>;

export function offers<C extends Capability>(
  source: ContainerSource,
  capability: C,
): source is SourceWith<C> {
  return source.capabilities.includes(capability);
}
