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

/** A container seen stopped (exited, dead, gone) after it was up, and not by ArchNest. */
export interface StoppedContainer {
  id: string;
  /** When it was first seen stopped. */
  since: number;
  /** How it was last seen: `exited`, `dead`, `created`, `removing` or `removed`. */
  as: string;
  /**
   * Checked against the audit log once more, a round at least STOP_CONFIRM_MS after `since`
   * (the action is audited only when the engine has answered, which a round can see first).
   */
  confirmed: boolean;
}

/** What the evaluator remembers of one host's containers between rounds (stored as JSON). */
export interface HostMemory {
  /** Containers up (running, restarting or paused) at the last round, name → id. */
  up: Record<string, string>;
  /** The start time bounds last seen, by name. */
  started: Record<string, readonly [number, number]>;
  /** Docker's restart count last seen (agents), by name. */
  restartCounts: Record<string, number>;
  /** When each restart was seen (epoch ms), by name. */
  restarts: Record<string, number[]>;
  /** Containers seen stopped that no ArchNest action stopped, by name. */
  stopped: Record<string, StoppedContainer>;
  /** Since when a container's health check reports unhealthy, by name. */
  unhealthySince: Record<string, number>;
}

export const emptyMemory = (): HostMemory => ({
  up: {},
  started: {},
  restartCounts: {},
  restarts: {},
  stopped: {},
  unhealthySince: {},
});

/** Tells whether an admin stopped, restarted or removed this container through ArchNest. */
export type ExpectedStop = (host: ObservedHost, container: { id: string; name: string }) => boolean;

/** States of a container that is up: a crash loop (restarting) or a pause is not a stop. */
const UP_STATES = new Set(['running', 'restarting', 'paused']);

/**
 * The memory after one more round of `host` (whose containers are known), at `now`: the
 * restarts it shows, the containers that stopped, and which are up. Pure, so the evaluator
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
    if (UP_STATES.has(container.state)) {
      next.up[container.name] = container.id;
      if (container.health === 'unhealthy') {
        next.unhealthySince[container.name] = previous.unhealthySince[container.name] ?? now;
      }
    } else {
      noteStop(previous, next, host, container, container.state, now, expectedStop);
    }
  }
  for (const [name, id] of Object.entries(previous.up)) {
    if (!seen.has(name)) {
      noteStop(previous, next, host, { id, name }, 'removed', now, expectedStop);
    }
  }
  for (const [name, stopped] of Object.entries(previous.stopped)) {
    if (!seen.has(name) && previous.up[name] === undefined) {
      carryGone(next, host, name, stopped, now, expectedStop);
    }
  }
  return next;
}

/** The first round of a host: what is up now is known; nothing has stopped or restarted yet. */
function baseline(containers: readonly ObservedContainer[], now: number): HostMemory {
  const memory = emptyMemory();
  for (const container of containers) {
    if (UP_STATES.has(container.state)) {
      memory.up[container.name] = container.id;
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
  const known = previous.stopped[container.name];
  if (known) {
    const stopped = confirm(known, host, container.name, now, expectedStop);
    if (stopped) {
      next.stopped[container.name] = { ...stopped, as };
    }
  } else if (previous.up[container.name] !== undefined && !expectedStop(host, container)) {
    next.stopped[container.name] = { id: container.id, since: now, as, confirmed: false };
  }
}

/** A stop not yet confirmed is dropped when the audit log now explains it; null then. */
function confirm(
  stopped: StoppedContainer,
  host: ObservedHost,
  name: string,
  now: number,
  expectedStop: ExpectedStop,
): StoppedContainer | null {
  if (stopped.confirmed || now - stopped.since < STOP_CONFIRM_MS) {
    return stopped;
  }
  return expectedStop(host, { id: stopped.id, name }) ? null : { ...stopped, confirmed: true };
}

/**
 * A stopped container no longer listed: still stopped (`removed`) until a container of that
 * name is up again, an admin removes it through ArchNest, or it has been gone for a day.
 */
function carryGone(
  next: HostMemory,
  host: ObservedHost,
  name: string,
  stopped: StoppedContainer,
  now: number,
  expectedStop: ExpectedStop,
): void {
  const kept = confirm(stopped, host, name, now, expectedStop);
  if (kept && now - kept.since <= MAX_WINDOW_MS && !expectedStop(host, { id: kept.id, name })) {
    next.stopped[name] = { ...kept, as: 'removed' };
  }
}
