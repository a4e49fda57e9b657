import type { SourceKind } from '@archnest/contracts';
import type { ContainerLocation } from './containers-api';

/** One container of a log view; `id` is the ref sent to the server (id or name). */
export interface LogTarget extends ContainerLocation {
  name: string;
  hostName: string;
}

const SOURCES: readonly string[] = ['docker-tcp', 'docker-ssh', 'agent'];

/** `source/hostId/ref` → a target; refs hold no `/`, host ids may. */
export function parseLogTarget(value: string): Omit<LogTarget, 'hostName'> | null {
  const first = value.indexOf('/');
  const last = value.lastIndexOf('/');
  const source = value.slice(0, first);
  if (first < 1 || last <= first + 1 || last === value.length - 1 || !SOURCES.includes(source)) {
    return null;
  }
  const id = value.slice(last + 1);
  return { source: source as SourceKind, hostId: value.slice(first + 1, last), id, name: id };
}

/** The address of a merged view: `/containers/logs?c=docker-tcp/h1/web&c=…`. */
export function mergedLogsParams(rows: readonly Omit<LogTarget, 'hostName' | 'id'>[]) {
  return { c: rows.map((row) => `${row.source}/${row.hostId}/${row.name}`) };
}

/**
 * The label each container's lines carry in a merged view, as the server names them: the ref,
 * or `<host name>/<ref>` when two entries share a ref (the REST tail labels its lines the same).
 */
export function mergeLabels(targets: readonly { name: string; hostName: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const { name } of targets) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return targets.map(({ name, hostName }) =>
    (counts.get(name) ?? 0) > 1 ? `${hostName}/${name}` : name,
  );
}
