import type {
  Capability,
  ContainerHost,
  ContainerState,
  HostContainer,
  HostStatus,
  SourceKind,
} from '@archnest/contracts';

export const SOURCE_LABELS: Record<SourceKind, string> = {
  'docker-tcp': 'Docker API',
  'docker-ssh': 'Docker over SSH',
  agent: 'Agent',
};

export const STATUS_LABELS: Record<HostStatus, string> = {
  online: 'Online',
  stale: 'Stale',
  unreachable: 'Unreachable',
  unknown: 'Unknown',
};

export const STATE_LABELS: Record<ContainerState, string> = {
  running: 'Running',
  exited: 'Exited',
  paused: 'Paused',
  created: 'Created',
  restarting: 'Restarting',
  dead: 'Dead',
  removing: 'Removing',
};

/** What the console shows for a field or feature a source's capabilities do not cover. */
export const NOT_REPORTED = 'not reported by this source';

/** Why agent rows have no actions, said wherever an action would be. */
export const READ_ONLY_REASON =
  'Read-only: the agent only reports. Add this host as a Docker API host or an SSH target to manage it.';

/** The selector value of the "All hosts" view. */
export const ALL_HOSTS = 'all';

/** A host's unique key across sources: `source/hostId`. */
export function hostKey(host: Pick<ContainerHost, 'source' | 'hostId'>): string {
  return `${host.source}/${host.hostId}`;
}

/** One container row of any view: where it runs and what its source can do. */
export interface ContainerRow extends HostContainer {
  /** `source/hostId/id`: unique across every host. */
  key: string;
  capabilities: readonly Capability[];
}

export function containerKey(source: SourceKind, hostId: string, id: string): string {
  return `${source}/${hostId}/${id}`;
}

export function can(row: { capabilities: readonly Capability[] }, capability: Capability): boolean {
  return row.capabilities.includes(capability);
}
