import type { AgentContainer } from '@archnest/contracts';

/** The labels a steady report's stats need for the metrics history, by 12-hex short id. */
export type NamesById = ReadonlyMap<string, { id: string; name: string; image: string }>;

/** Hosts whose names are kept; past it the least recently used host is read again when needed. */
const MAX_HOSTS = 10_000;

export const shortId = (id: string): string => id.slice(0, 12);

export function namesOf(containers: readonly AgentContainer[]): NamesById {
  return new Map(containers.map(({ id, name, image }) => [shortId(id), { id, name, image }]));
}

/**
 * Container names and images of each host's stored inventory, by its digest: a steady report
 * carries ids only, and the metrics history keys series by name. Bounded, least recently used
 * out first.
 */
export class InventoryNames {
  private readonly hosts = new Map<string, { digest: string; names: NamesById }>();

  get(hostId: string, digest: string): NamesById | undefined {
    const entry = this.hosts.get(hostId);
    if (!entry || entry.digest !== digest) {
      return undefined;
    }
    this.hosts.delete(hostId); // re-inserted: Map order is the recency order
    this.hosts.set(hostId, entry);
    return entry.names;
  }

  set(hostId: string, digest: string, names: NamesById): void {
    this.hosts.delete(hostId);
    this.hosts.set(hostId, { digest, names });
    if (this.hosts.size > MAX_HOSTS) {
      this.hosts.delete(this.hosts.keys().next().value as string);
    }
  }
}
