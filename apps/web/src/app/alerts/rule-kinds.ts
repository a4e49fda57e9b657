import {
  THRESHOLD_KINDS,
  type AlertKind,
  type AlertRule,
  type AlertScope,
  type ContainerHost,
} from '@archnest/contracts';
import { SOURCE_LABELS } from '../containers/sources';

/** How the console names a kind and explains it (docs/alerts.md, "Rules"). */
export interface KindInfo {
  label: string;
  /** One sentence: when it fires and when it resolves. */
  description: string;
  /** What `threshold` counts, for the kinds that take one. */
  thresholdLabel: string | null;
  /** The label of `forSeconds` (restart-loop counts restarts within it). */
  forLabel: string;
  defaultForSeconds: number;
  defaultThreshold: number | null;
}

export const KINDS: Record<AlertKind, KindInfo> = {
  'container-stopped': {
    label: 'Container stopped',
    description:
      'Fires when a container seen running is exited, dead or gone and no admin stopped, ' +
      'restarted, paused or removed it through ArchNest in the 5 minutes before; resolves ' +
      'when it runs again.',
    thresholdLabel: null,
    forLabel: 'For (seconds)',
    defaultForSeconds: 0,
    defaultThreshold: null,
  },
  'container-unhealthy': {
    label: 'Container unhealthy',
    description:
      'Fires when its health check reports unhealthy for the given time; resolves when it is ' +
      'not unhealthy (or is gone).',
    thresholdLabel: null,
    forLabel: 'For (seconds)',
    defaultForSeconds: 0,
    defaultThreshold: null,
  },
  'restart-loop': {
    label: 'Restart loop',
    description:
      'Fires when a container started again the given number of times within the window; ' +
      'resolves when it restarted fewer times in the window.',
    thresholdLabel: 'Restarts',
    forLabel: 'Window (seconds)',
    defaultForSeconds: 300,
    defaultThreshold: 3,
  },
  'host-offline': {
    label: 'Host offline',
    description:
      'Fires when a Docker API host or SSH target failed its last round, or an agent host sent ' +
      'nothing for STALE_AFTER_MS, for the given time more; resolves on its next good round or ' +
      'report.',
    thresholdLabel: null,
    forLabel: 'For (seconds)',
    defaultForSeconds: 0,
    defaultThreshold: null,
  },
  'cpu-above': {
    label: 'CPU above',
    description:
      "Fires when the container's average CPU % over the given time is above the threshold " +
      '(samples must cover at least half of it); resolves when the average is at or below it.',
    thresholdLabel: 'CPU %',
    forLabel: 'Averaged over (seconds)',
    defaultForSeconds: 300,
    defaultThreshold: null,
  },
  'memory-above': {
    label: 'Memory above',
    description:
      "Fires when the container's average memory usage / limit % over the given time is above " +
      'the threshold; resolves when the average is at or below it.',
    thresholdLabel: 'Memory %',
    forLabel: 'Averaged over (seconds)',
    defaultForSeconds: 300,
    defaultThreshold: null,
  },
};

export const MAX_FOR_SECONDS = 86_400;

export function takesThreshold(kind: AlertKind): boolean {
  return THRESHOLD_KINDS.includes(kind);
}

/** "Every host" or what the scope narrows to, hosts by name when known. */
export function describeScope(
  scope: AlertScope | null,
  hosts: readonly ContainerHost[] = [],
): string {
  const parts: string[] = [];
  if (scope?.hostId) {
    const host = hosts.find(
      (h) => h.hostId === scope.hostId && (!scope.source || h.source === scope.source),
    );
    const source = scope.source ? ` (${SOURCE_LABELS[scope.source]})` : '';
    parts.push(`${host?.name ?? scope.hostId}${source}`);
  } else if (scope?.source) {
    parts.push(`${SOURCE_LABELS[scope.source]} hosts`);
  } else {
    parts.push('Every host');
  }
  if (scope?.container) {
    parts.push(`containers ${scope.container}`);
  }
  return parts.join(', ');
}

/** "above 90 % for 300 s", "3 restarts in 300 s", "for 0 s". */
export function describeCondition(rule: Pick<AlertRule, 'kind' | 'threshold' | 'forSeconds'>) {
  const seconds = `${rule.forSeconds} s`;
  switch (rule.kind) {
    case 'restart-loop':
      return `${rule.threshold ?? '?'} restarts in ${seconds}`;
    case 'cpu-above':
    case 'memory-above':
      return `above ${rule.threshold ?? '?'} % for ${seconds}`;
    case 'container-stopped':
    case 'container-unhealthy':
    case 'host-offline':
      return rule.forSeconds ? `for ${seconds}` : 'at once';
  }
}

/** A kind's label; an unknown kind (a newer server) as it is. */
export function kindLabel(kind: string): string {
  return (KINDS as Partial<Record<string, KindInfo>>)[kind]?.label ?? kind;
}

export function sourceLabel(source: string): string {
  return (SOURCE_LABELS as Partial<Record<string, string>>)[source] ?? source;
}
