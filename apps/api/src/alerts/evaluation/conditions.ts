import type { AlertKind, AlertScope, SourceKind } from '@archnest/contracts';
import { hostKeyOf, type RecentAverage, type RecentAverages } from '../../metrics/recent-figures';
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

/** A container's average CPU and memory % over a window; by host key, then container name. */
export type Average = RecentAverage;
export type Averages = RecentAverages;
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

/** `source\nhostId`, as the recent figures key their hosts. */
export const hostKey = hostKeyOf;

/** The events firing now, by key and by (rule, host). */
export class OpenAlerts {
  private readonly byKey = new Map<string, Condition>();
  private readonly byRuleHost = new Map<string, Condition[]>();

  constructor(conditions: readonly Condition[]) {
    for (const condition of conditions) {
      this.byKey.set(condition.key, condition);
      const ruleHost = conditionKey(condition.rule.id, condition.source, condition.hostId, null);
      this.byRuleHost.set(ruleHost, [...(this.byRuleHost.get(ruleHost) ?? []), condition]);
    }
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The open container alerts of one rule on one host. */
  ofRuleOnHost(ruleId: string, host: Pick<ObservedHost, 'source' | 'hostId'>): Condition[] {
    const all = this.byRuleHost.get(conditionKey(ruleId, host.source, host.hostId, null)) ?? [];
    return all.filter((condition) => condition.container !== null);
  }
}

export const conditionKey = (
  ruleId: string,
  source: string,
  hostId: string,
  container: string | null,
): string => `${ruleId}\n${source}\n${hostId}\n${container ?? ''}`;

const globs = new Map<string, RegExp>();

/** A glob (`*`, `?`) as an anchored regular expression, compiled once. */
function globPattern(glob: string): RegExp {
  let pattern = globs.get(glob);
  if (!pattern) {
    const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    globs.set(glob, pattern);
  }
  return pattern;
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
  'container-stopped': (rule, host, name, memory, now) => {
    const stopped = memory.stopped[name];
    const forMs = Math.max(STOP_CONFIRM_MS, rule.forSeconds * 1_000);
    return stopped?.confirmed && now - stopped.since >= forMs
      ? `${where(host, name)} stopped: ${stopped.as}`
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

function averagesOf(
  averages: AveragesByWindow,
  rule: EvaluatedRule,
  host: ObservedHost,
): Map<string, Average> | undefined {
  return averages.get(rule.forSeconds)?.get(hostKey(host.source, host.hostId));
}

function averageOf(
  averages: AveragesByWindow,
  rule: EvaluatedRule,
  host: ObservedHost,
  name: string,
): Average | undefined {
  return averagesOf(averages, rule, host)?.get(name);
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

/**
 * The containers a rule of this kind can hold for on a host: only those its memory or the
 * averages name (a steady fleet has none stopped, unhealthy or restarting), so a round costs
 * little more per rule than per host.
 */
function candidates(
  rule: EvaluatedRule,
  host: ObservedHost,
  memory: HostMemory,
  averages: AveragesByWindow,
): Iterable<string> {
  switch (rule.kind) {
    case 'container-stopped':
      return Object.keys(memory.stopped);
    case 'container-unhealthy':
      return Object.keys(memory.unhealthySince);
    case 'restart-loop':
      return Object.keys(memory.restarts);
    case 'cpu-above':
    case 'memory-above':
      return averagesOf(averages, rule, host)?.keys() ?? [];
    case 'host-offline':
      return [];
  }
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
  open: OpenAlerts,
): Condition[] {
  const conditions: Condition[] = [];
  for (const host of hosts) {
    const memory = memories.get(hostKey(host.source, host.hostId));
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
        conditions.push(...open.ofRuleOnHost(rule.id, host));
        continue;
      }
      for (const name of candidates(rule, host, memory, averages)) {
        if (inScope(rule.scope, host, name)) {
          const message = CONTAINER_CHECKS[rule.kind](rule, host, name, memory, now, averages);
          if (message) {
            conditions.push(conditionOf(rule, host, name, message));
          }
        }
      }
      conditions.push(...unmeasured(rule, host, memory, averages, open));
    }
  }
  return conditions;
}

/**
 * The open cpu-above / memory-above alerts of containers that still run but have no samples in
 * the window (an agent between two reports, history paused): unknown is not resolved.
 */
function unmeasured(
  rule: EvaluatedRule,
  host: ObservedHost,
  memory: HostMemory,
  averages: AveragesByWindow,
  open: OpenAlerts,
): Condition[] {
  if (rule.kind !== 'cpu-above' && rule.kind !== 'memory-above') {
    return [];
  }
  return open
    .ofRuleOnHost(rule.id, host)
    .filter(
      ({ container }) =>
        container !== null &&
        memory.up[container] !== undefined &&
        averageOf(averages, rule, host, container) === undefined,
    );
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
