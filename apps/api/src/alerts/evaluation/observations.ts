import type { ContainerState, HealthState, SourceKind } from '@archnest/contracts';

/** One container as a collector round saw it (what `docker ps -a` shows). */
export interface RoundContainer {
  id: string;
  name: string;
  state: ContainerState;
  /** Docker's human status, e.g. `Up 3 seconds (unhealthy)`. */
  status: string;
}

/** A good round of a Docker API host or SSH target: every container, at `at`. */
export interface HostRound {
  source: SourceKind;
  hostId: string;
  hostName: string;
  at: Date;
  containers: readonly RoundContainer[];
}

/** One container as the evaluator reads it, whatever the source. */
export interface ObservedContainer {
  id: string;
  name: string;
  state: ContainerState;
  health: HealthState | null;
  /** Docker's restart count where the source gives it (agents); null otherwise. */
  restartCount: number | null;
  /** Bounds of its start time in epoch ms, [earliest, latest]; null when not running. */
  startedAt: readonly [number, number] | null;
}

/** One host as the evaluator reads it. */
export interface ObservedHost {
  source: SourceKind;
  hostId: string;
  name: string;
  /** Since when it is unreachable (or stale); null while it answers. */
  downSince: Date | null;
  /** From its last good round or report; null when none is known. */
  containers: readonly ObservedContainer[] | null;
}
