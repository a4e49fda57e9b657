import {
  maskEnv,
  steadyStatsOf,
  type AgentContainer,
  type AgentContainerStats,
  type AgentSteadyContainer,
  type ContainerDetail,
  type ContainerSummary,
} from '@archnest/contracts';
import { type NamesById, shortId } from './inventory-names';

/** The agent's container with env masked again, whatever the agent sent. */
export function maskedContainer(container: AgentContainer): AgentContainer {
  return { ...container, env: maskEnv(container.env) };
}

/**
 * The inventory with the status and stats of a steady report, matched by id prefix; a
 * container the steady report does not list keeps its status and has no stats.
 */
export function withSteadyStats(
  containers: readonly AgentContainer[],
  steady: readonly AgentSteadyContainer[],
): AgentContainer[] {
  const byShortId = new Map(steady.map((entry) => [shortId(entry.id), entry]));
  return containers.map((container) => {
    const found = byShortId.get(shortId(container.id));
    const match = found && container.id.startsWith(found.id) ? found : undefined;
    return {
      ...container,
      status: match?.status ?? container.status,
      stats: match?.stats ? steadyStatsOf(match.stats) : null,
    };
  });
}

/** A steady report's stats with the names and images of the inventory (by 12-hex short id). */
export function withStats(
  names: NamesById,
  steady: readonly AgentSteadyContainer[],
): { name: string; image: string; stats: AgentContainerStats | null }[] {
  const containers = [];
  for (const { id, stats } of steady) {
    const known = names.get(shortId(id));
    if (known && known.id.startsWith(id)) {
      containers.push({
        name: known.name,
        image: known.image,
        stats: stats && steadyStatsOf(stats),
      });
    }
  }
  return containers;
}

export function toContainerSummary(container: AgentContainer): ContainerSummary {
  return {
    id: container.id,
    name: container.name,
    image: container.image,
    state: container.state,
    status: container.status,
    createdAt: container.createdAt,
    ports: container.ports,
    stats: container.stats,
  };
}

/** Maps to the detail every source shares; what the agent does not report is null. */
export function toContainerDetail(container: AgentContainer): ContainerDetail {
  return {
    ...toContainerSummary(container),
    imageId: container.imageId,
    startedAt: container.startedAt,
    finishedAt: null,
    exitCode: null,
    restartCount: container.restartCount,
    restartPolicy: container.restartPolicy,
    health: container.health,
    networks: container.networks,
    mounts: container.mounts,
    env: maskEnv(container.env),
    labels: container.labels,
    command: container.command,
    entrypoint: null,
  };
}

/** A container by full id, a unique id prefix of 12 or more characters, or its name. */
export function findContainer(
  containers: readonly AgentContainer[],
  ref: string,
): AgentContainer | undefined {
  const byIdOrName = containers.find((c) => c.id === ref || c.name === ref);
  if (byIdOrName || !/^[a-f0-9]{12,63}$/.test(ref)) {
    return byIdOrName;
  }
  const matches = containers.filter((c) => c.id.startsWith(ref));
  return matches.length === 1 ? matches[0] : undefined;
}
