import type { ObservedContainer, ObservedHost } from './observations';

/** Two start times closer than this are one start (Docker's status is read to the second). */
const START_SLACK_MS = 1_500;
/**
 * A stop is an alert only once it has been seen this long without an audited ArchNest action:
 * the action is audited when the engine has answered, which a round can see first.
 */
export const STOP_CONFIRM_MS = 3_000;
/** Restarts are kept this long at most (the longest restart-loop window). */
export const MAX_WINDOW_MS = 86_400_000;
/** Restarts kept per container at most (a loop of restarts is a loop well before this). */
const MAX_RESTARTS = 200;

/** What the evaluator remembers of one host's containers between rounds (stored as JSON). */
export interface HostMemory {
  /** Containers seen running at the last round, name → id. */
  running: Record<string, string>;
  /** The start time bounds last seen, by name. */
  started: Record<string, readonly [number, number]>;
  /** Docker's restart count last seen (agents), by name. */
  restartCounts: Record<string, number>;
  /** When each restart was seen (epoch ms), by name. */
  restarts: Record<string, number[]>;
  /** Containers seen stopped that no ArchNest action stopped: name → when first seen stopped. */
  stopped: Record<string, number>;
  /** How each stopped container was last seen (`exited`, `dead`, `removed`). */
  stoppedAs: Record<string, string>;
  /** Since when a container's health check reports unhealthy, by name. */
  unhealthySince: Record<string, number>;
}

export const emptyMemory = (): HostMemory => ({
  running: {},
  started: {},
  restartCounts: {},
  restarts: {},
  stopped: {},
  stoppedAs: {},
  unhealthySince: {},
});

/** Tells whether an admin stopped, restarted or removed this container through ArchNest. */
export type ExpectedStop = (host: ObservedHost, container: { id: string; name: string }) => boolean;

/** States in which a container that was running counts as stopped. */
const STOPPED_STATES = new Set(['exited', 'dead', 'created', 'removing']);

/**
 * The memory after one more round of `host` (whose containers are known), at `now`: the
 * restarts it shows, the containers that stopped, and which still run. Pure, so the evaluator
 * can tell whether anything changed by comparing the JSON.
 */
export function nextMemory(
  previous: HostMemory | undefined,
  host: ObservedHost & { containers: readonly ObservedContainer[] },
  now: number,
  expectedStop: ExpectedStop,
): HostMemory {
  if (!previous) {
    return baseline(host.containers, now);
  }
  const next = emptyMemory();
  const seen = new Set<string>();
  for (const container of host.containers) {
    seen.add(container.name);
    carryRestarts(previous, next, container, now);
    if (
      container.state === 'running' ||
      container.state === 'restarting' ||
      container.state === 'paused'
    ) {
      if (container.state === 'running') {
        next.running[container.name] = container.id;
      }
      if (container.health === 'unhealthy') {
        next.unhealthySince[container.name] = previous.unhealthySince[container.name] ?? now;
      }
    } else if (STOPPED_STATES.has(container.state)) {
      noteStop(previous, next, host, container, container.state, now, expectedStop);
    }
  }
  for (const [name, id] of Object.entries(previous.running)) {
    if (!seen.has(name)) {
      noteStop(previous, next, host, { id, name }, 'removed', now, expectedStop);
    }
  }
  // A container stopped earlier and gone since stays stopped until it runs again.
  for (const [name, since] of Object.entries(previous.stopped)) {
    if (!seen.has(name) && previous.running[name] === undefined) {
      next.stopped[name] = since;
      next.stoppedAs[name] = 'removed';
    }
  }
  return next;
}

/** The first round of a host: what runs now is known; nothing has stopped or restarted yet. */
function baseline(containers: readonly ObservedContainer[], now: number): HostMemory {
  const memory = emptyMemory();
  for (const container of containers) {
    if (container.state === 'running') {
      memory.running[container.name] = container.id;
    }
    if (container.startedAt) {
      memory.started[container.name] = container.startedAt;
    }
    if (container.restartCount !== null) {
      memory.restartCounts[container.name] = container.restartCount;
    }
    if (container.health === 'unhealthy') {
      memory.unhealthySince[container.name] = now;
    }
  }
  return memory;
}

function carryRestarts(
  previous: HostMemory,
  next: HostMemory,
  container: ObservedContainer,
  now: number,
): void {
  const { name } = container;
  const restarts = (previous.restarts[name] ?? []).filter((at) => now - at <= MAX_WINDOW_MS);
  const count = container.restartCount;
  const lastCount = previous.restartCounts[name];
  const lastStart = previous.started[name];
  if (count !== null && lastCount !== undefined && count > lastCount) {
    restarts.push(...Array<number>(Math.min(count - lastCount, MAX_RESTARTS)).fill(now));
  } else if (
    count === null &&
    container.startedAt &&
    lastStart &&
    container.startedAt[0] > lastStart[1] + START_SLACK_MS
  ) {
    restarts.push(now);
  }
  if (restarts.length > 0) {
    next.restarts[name] = restarts.slice(-MAX_RESTARTS);
  }
  if (count !== null) {
    next.restartCounts[name] = count;
  }
  const started = container.startedAt ?? lastStart;
  if (started) {
    next.started[name] = started;
  }
}

function noteStop(
  previous: HostMemory,
  next: HostMemory,
  host: ObservedHost,
  container: { id: string; name: string },
  as: string,
  now: number,
  expectedStop: ExpectedStop,
): void {
  const since = previous.stopped[container.name];
  const wasRunning = previous.running[container.name] !== undefined;
  if (since !== undefined) {
    if (now - since < STOP_CONFIRM_MS && expectedStop(host, container)) {
      return; // audited just after the round saw it
    }
    next.stopped[container.name] = since;
    next.stoppedAs[container.name] = as;
  } else if (wasRunning && !expectedStop(host, container)) {
    next.stopped[container.name] = now;
    next.stoppedAs[container.name] = as;
  }
}
