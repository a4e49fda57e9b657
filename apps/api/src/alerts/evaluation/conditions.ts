import type { AlertKind, AlertScope, SourceKind } from '@archnest/contracts';
import { type HostMemory, STOP_CONFIRM_MS } from './host-memory';
import type { ObservedHost } from './observations';

/** A rule as the evaluator reads it. */
export interface EvaluatedRule {
  id: string;
  name: string;
  kind: AlertKind;
  scope: AlertScope | null;
  threshold: number | null;
  forSeconds: number;
}

/** The average CPU and memory % of each container over a window, by `source\nhostId\nname`. */
export type Averages = Map<string, { cpu: number | null; mem: number | null }>;
/** Averages by window (forSeconds). */
export type AveragesByWindow = ReadonlyMap<number, Averages>;

/** A condition that holds now: an alert that fires, or keeps firing. */
export interface Condition {
  /** (rule, source, host, container): one open event at most per key. */
  key: string;
  rule: EvaluatedRule;
  source: SourceKind;
  hostId: string;
  hostName: string;
  container: string | null;
  message: string;
}

export const averageKey = (source: string, hostId: string, name: string): string =>
  `${source}\n${hostId}\n${name}`;

export const conditionKey = (
  ruleId: string,
  source: string,
  hostId: string,
  container: string | null,
): string => `${ruleId}\n${source}\n${hostId}\n${container ?? ''}`;

/** A glob (`*`, `?`) as an anchored regular expression. */
function globPattern(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Whether `scope` takes in this host (and container, when one is given). */
export function inScope(
  scope: AlertScope | null,
  host: Pick<ObservedHost, 'source' | 'hostId'>,
  container?: string,
): boolean {
  if (!scope) {
    return true;
  }
  if (
    (scope.source && scope.source !== host.source) ||
    (scope.hostId && scope.hostId !== host.hostId)
  ) {
    return false;
  }
  return (
    !scope.container || container === undefined || globPattern(scope.container).test(container)
  );
}

function duration(seconds: number): string {
  if (seconds % 3_600 === 0 && seconds > 0) {
    return `${seconds / 3_600} h`;
  }
  return seconds % 60 === 0 && seconds > 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** What a container's line in a message starts with. */
const where = (host: ObservedHost, name: string): string =>
  `${name} on ${host.name} (${host.source})`;

type ContainerCheck = (
  rule: EvaluatedRule,
  host: ObservedHost,
  name: string,
  memory: HostMemory,
  now: number,
  averages: AveragesByWindow,
) => string | null;

/** Each container kind: the message when the condition holds for this container, else null. */
const CONTAINER_CHECKS: Record<Exclude<AlertKind, 'host-offline'>, ContainerCheck> = {
  'container-stopped': (_rule, host, name, memory, now) => {
    const since = memory.stopped[name];
    return since !== undefined && now - since >= STOP_CONFIRM_MS
      ? `${where(host, name)} stopped: ${memory.stoppedAs[name] ?? 'exited'}`
      : null;
  },
  'container-unhealthy': (rule, host, name, memory, now) => {
    const since = memory.unhealthySince[name];
    return since !== undefined && now - since >= rule.forSeconds * 1_000
      ? `${where(host, name)} is unhealthy`
      : null;
  },
  'restart-loop': (rule, host, name, memory, now) => {
    const windowMs = rule.forSeconds * 1_000;
    const count = (memory.restarts[name] ?? []).filter((at) => now - at <= windowMs).length;
    return count >= (rule.threshold ?? 0) && count > 0
      ? `${where(host, name)} restarted ${count} times in ${duration(rule.forSeconds)}`
      : null;
  },
  'cpu-above': (rule, host, name, _memory, _now, averages) =>
    above(rule, host, name, averageOf(averages, rule, host, name)?.cpu, 'CPU'),
  'memory-above': (rule, host, name, _memory, _now, averages) =>
    above(rule, host, name, averageOf(averages, rule, host, name)?.mem, 'memory'),
};

function averageOf(
  averages: AveragesByWindow,
  rule: EvaluatedRule,
  host: ObservedHost,
  name: string,
): { cpu: number | null; mem: number | null } | undefined {
  return averages.get(rule.forSeconds)?.get(averageKey(host.source, host.hostId, name));
}

function above(
  rule: EvaluatedRule,
  host: ObservedHost,
  name: string,
  average: number | null | undefined,
  what: string,
): string | null {
  if (typeof average !== 'number' || rule.threshold === null || !(average > rule.threshold)) {
    return null;
  }
  return (
    `${where(host, name)}: ${what} ${average.toFixed(1)} % on average over ` +
    `${duration(rule.forSeconds)}, above ${rule.threshold} %`
  );
}

/** The names of a host's containers a container rule looks at: those seen, and those gone. */
function containerNames(host: ObservedHost, memory: HostMemory): Set<string> {
  const names = new Set((host.containers ?? []).map((container) => container.name));
  Object.keys(memory.stopped).forEach((name) => names.add(name));
  return names;
}

/**
 * Every condition that holds now, over every host and rule. `open` holds the keys of the events
 * firing now: the container conditions of a host whose containers are unknown this round (it is
 * down, or not sampled) keep firing rather than resolve for want of data.
 */
export function conditionsOf(
  rules: readonly EvaluatedRule[],
  hosts: readonly ObservedHost[],
  memories: ReadonlyMap<string, HostMemory>,
  averages: AveragesByWindow,
  now: number,
  open: ReadonlyMap<string, Condition>,
): Condition[] {
  const conditions: Condition[] = [];
  for (const host of hosts) {
    const memory = memories.get(`${host.source}\n${host.hostId}`);
    for (const rule of rules) {
      if (!inScope(rule.scope, host)) {
        continue;
      }
      if (rule.kind === 'host-offline') {
        const offline = offlineMessage(rule, host, now);
        if (offline) {
          conditions.push(conditionOf(rule, host, null, offline));
        }
        continue;
      }
      if (!memory || host.containers === null) {
        conditions.push(...stillOpen(open, rule, host));
        continue;
      }
      for (const name of containerNames(host, memory)) {
        if (inScope(rule.scope, host, name)) {
          const message = CONTAINER_CHECKS[rule.kind](rule, host, name, memory, now, averages);
          if (message) {
            conditions.push(conditionOf(rule, host, name, message));
          }
        }
      }
    }
  }
  return conditions;
}

function offlineMessage(rule: EvaluatedRule, host: ObservedHost, now: number): string | null {
  if (!host.downSince || now - host.downSince.getTime() < rule.forSeconds * 1_000) {
    return null;
  }
  const since = host.downSince.toISOString();
  return host.source === 'agent'
    ? `${host.name} (agent) has sent no report since ${since}`
    : `${host.name} (${host.source}) is unreachable since ${since}`;
}

function conditionOf(
  rule: EvaluatedRule,
  host: ObservedHost,
  container: string | null,
  message: string,
): Condition {
  return {
    key: conditionKey(rule.id, host.source, host.hostId, container),
    rule,
    source: host.source,
    hostId: host.hostId,
    hostName: host.name,
    container,
    message,
  };
}

function stillOpen(
  open: ReadonlyMap<string, Condition>,
  rule: EvaluatedRule,
  host: ObservedHost,
): Condition[] {
  const prefix = conditionKey(rule.id, host.source, host.hostId, '');
  return [...open.values()].filter(
    (condition) => condition.key.startsWith(prefix) && condition.container !== null,
  );
}
