import type {
  Capability,
  ContainerDetail,
  ContainerHost,
  ContainerSummary,
  SourceKind,
} from '@archnest/contracts';

/**
 * One way of reaching containers (Docker Engine API, Docker over SSH, push agent). Each source
 * lives in its own folder, states what it can do, and joins the SourceRegistry at start-up; the
 * aggregator never looks inside a source.
 */
export interface ContainerSource {
  readonly kind: SourceKind;
  readonly capabilities: readonly Capability[];
  /** Every host this source knows, with a status; must not throw for one unreachable host. */
  listHosts(): Promise<ContainerHost[]>;
  listContainers(hostId: string): Promise<ContainerSummary[]>;
  getContainer(hostId: string, containerRef: string): Promise<ContainerDetail>;
}
