import type {
  Capability,
  ContainerAction,
  ContainerDetail,
  ContainerHost,
  ContainerLogs,
  ContainerStats,
  ContainerSummary,
  SourceKind,
} from '@archnest/contracts';
import type { AuthUser } from '../common/decorators/current-user.decorator';

export interface LogOptions {
  /** Number of most recent lines, 1..LOG_TAIL_MAX. */
  tail: number;
  timestamps: boolean;
}

export interface ActionOptions {
  /** For `remove`: remove a running container too. */
  force?: boolean;
}

/**
 * One way of reaching containers (Docker Engine API, Docker over SSH, push agent). Each source
 * lives in its own folder, states what it can do, and joins the SourceRegistry at start-up; the
 * aggregator never looks inside a source.
 *
 * The optional methods exist exactly when the matching capability is listed: `logs` →
 * getLogs, `stats` → getStats, `manage` → runAction. `exec` is served by the source's own
 * WebSocket gateway. Container refs are validated (container-ref.ts) before they get here.
 */
export interface ContainerSource {
  readonly kind: SourceKind;
  readonly capabilities: readonly Capability[];
  /** Every host this source knows, with a status; must not throw for one unreachable host. */
  listHosts(): Promise<ContainerHost[]>;
  listContainers(hostId: string): Promise<ContainerSummary[]>;
  getContainer(hostId: string, containerRef: string): Promise<ContainerDetail>;
  getLogs?(hostId: string, containerRef: string, options: LogOptions): Promise<ContainerLogs>;
  getStats?(hostId: string, containerRef: string): Promise<ContainerStats>;
  /** Performs a whitelisted action and records it in the audit log as `actor`. */
  runAction?(
    actor: AuthUser,
    hostId: string,
    containerRef: string,
    action: ContainerAction,
    options: ActionOptions,
  ): Promise<void>;
}
