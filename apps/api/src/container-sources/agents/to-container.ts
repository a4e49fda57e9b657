import {
  maskEnv,
  type AgentContainer,
  type ContainerDetail,
  type ContainerSummary,
} from '@archnest/contracts';

/** The agent's container with env masked again, whatever the agent sent. */
export function maskedContainer(container: AgentContainer): AgentContainer {
  return { ...container, env: maskEnv(container.env) };
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
