import {
  CONTAINER_STATES,
  type ContainerLogs,
  type ContainerState,
  type ContainerStats,
  type ContainerSummary,
  type LogLine,
  type PortBinding,
} from '@archnest/contracts';
import { parseBytePair, parsePercent } from './human-bytes';

/** The fields of `docker ps --format '{{json .}}'` this source reads. */
interface PsRow {
  ID?: string;
  Names?: string;
  Image?: string;
  State?: string;
  Status?: string;
  CreatedAt?: string;
  Ports?: string;
}

interface StatsRow {
  Name?: string;
  CPUPerc?: string;
  MemUsage?: string;
  NetIO?: string;
  BlockIO?: string;
}

/** docker's output did not have the expected shape (a foreign CLI, or a broken wrapper). */
export class UnexpectedOutputError extends Error {
  constructor(what: string) {
    super(`unexpected output from docker ${what}`);
    this.name = 'UnexpectedOutputError';
  }
}

function jsonLines<T>(stdout: string, what: string): T[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const value: unknown = JSON.parse(line);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          return value as T;
        }
      } catch {
        // reported below
      }
      throw new UnexpectedOutputError(what);
    });
}

const STATUS_STATES: [RegExp, ContainerState][] = [
  [/\(Paused\)/, 'paused'],
  [/^Up\b/, 'running'],
  [/^Restarting\b/, 'restarting'],
  [/^Exited\b/, 'exited'],
  [/^Created\b/, 'created'],
  [/^Removal\b/, 'removing'],
];

/** `State` where the CLI prints it; derived from the human status for older CLIs. */
function stateOf(row: PsRow): ContainerState {
  const named = CONTAINER_STATES.find((state) => state === row.State);
  const status = row.Status ?? '';
  return named ?? STATUS_STATES.find(([pattern]) => pattern.test(status))?.[1] ?? 'dead';
}

/** "2026-06-20 19:30:00 +0000 UTC" → ISO 8601. */
export function psTime(value: string | undefined): string | null {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})/.exec(value ?? '');
  if (!match) {
    return null;
  }
  const date = new Date(`${match[1]}T${match[2]}${match[3]}:${match[4]}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const PORT_ENTRY = /^(?:(.*):(\d+)(?:-(\d+))?->)?(\d+)(?:-(\d+))?\/(tcp|udp|sctp)$/;
/** A published range expands to one binding per port, up to this many. */
const MAX_RANGE = 256;

/** docker ps's Ports column: "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 443/tcp". */
export function parsePorts(value: string | undefined): PortBinding[] {
  return (value ?? '')
    .split(', ')
    .map((entry) => PORT_ENTRY.exec(entry.trim()))
    .flatMap((match) => (match ? expandPorts(match) : []));
}

function expandPorts(match: RegExpExecArray): PortBinding[] {
  const [, ip, hostFrom, hostTo, from, to, proto] = match;
  const first = Number(from);
  const count = Math.min(Number(to ?? from) - first + 1, MAX_RANGE);
  const hostIp = ip === undefined ? null : ip.replace(/^\[(.*)\]$/, '$1');
  const hostFirst = hostFrom === undefined ? null : Number(hostFrom);
  const hostRange = hostTo !== undefined && hostFirst !== null;
  return Array.from({ length: Math.max(count, 1) }, (_, i) => ({
    hostIp,
    hostPort: hostFirst === null ? null : hostFirst + (hostRange ? i : 0),
    containerPort: first + i,
    proto: proto as PortBinding['proto'],
  }));
}

function toSummary(row: PsRow): ContainerSummary {
  if (typeof row.ID !== 'string' || row.ID === '') {
    throw new UnexpectedOutputError('ps');
  }
  return {
    id: row.ID,
    name: (row.Names ?? '').split(',')[0]?.replace(/^\//, '') || row.ID.slice(0, 12),
    image: row.Image ?? '',
    state: stateOf(row),
    status: row.Status ?? '',
    createdAt: psTime(row.CreatedAt),
    ports: parsePorts(row.Ports),
    stats: null,
  };
}

/** `docker ps -a --no-trunc --format '{{json .}}'` → summaries. */
export function parsePs(stdout: string): ContainerSummary[] {
  return jsonLines<PsRow>(stdout, 'ps').map(toSummary);
}

function toStats(row: StatsRow): ContainerStats {
  const [memUsage, memLimit] = parseBytePair(row.MemUsage);
  const [netRxBytes, netTxBytes] = parseBytePair(row.NetIO);
  const [blockReadBytes, blockWriteBytes] = parseBytePair(row.BlockIO);
  return {
    cpuPercent: parsePercent(row.CPUPerc),
    memUsage,
    // A stopped container reports "0B / 0B": no limit is known, not a zero limit.
    memLimit: memLimit === 0 ? null : memLimit,
    netRxBytes,
    netTxBytes,
    blockReadBytes,
    blockWriteBytes,
  };
}

/** `docker stats --no-stream --format '{{json .}}' -- ref` → one snapshot. */
export function parseStats(stdout: string): ContainerStats {
  const [row] = jsonLines<StatsRow>(stdout, 'stats');
  if (!row) {
    throw new UnexpectedOutputError('stats');
  }
  return toStats(row);
}

/** `docker stats --no-stream --format '{{json .}}'` of every running container → by name. */
export function parseStatsRows(stdout: string): { name: string; stats: ContainerStats }[] {
  return jsonLines<StatsRow>(stdout, 'stats').flatMap((row) => {
    const name = row.Name?.replace(/^\//, '');
    return name && name !== '--' ? [{ name, stats: toStats(row) }] : [];
  });
}

/** The first object of `docker inspect`'s JSON array. */
export function parseInspect(stdout: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw new UnexpectedOutputError('inspect');
  }
  const [first] = Array.isArray(value) ? (value as unknown[]) : [];
  if (typeof first !== 'object' || first === null || !('Id' in first)) {
    throw new UnexpectedOutputError('inspect');
  }
  return first;
}

const TIMESTAMPED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?(.*)$/s;

function logLines(text: string, stream: LogLine['stream'], cut: boolean): LogLine[] {
  const lines = text.split('\n');
  // The last element is '' after a final newline, or a line cut short by the output cap.
  const last = lines.pop();
  if (last && !cut) {
    lines.push(last);
  }
  return lines.map((line) => {
    const match = TIMESTAMPED.exec(line);
    return match
      ? { stream, timestamp: match[1] ?? null, text: match[2] ?? '' }
      : { stream, timestamp: null, text: line };
  });
}

/** Merges two timestamp-ordered streams, stdout first on equal times. */
function merge(out: LogLine[], err: LogLine[]): LogLine[] {
  const merged: LogLine[] = [];
  let i = 0;
  let j = 0;
  while (i < out.length || j < err.length) {
    const a = out[i];
    const b = err[j];
    if (a && (!b || (a.timestamp ?? '') <= (b.timestamp ?? ''))) {
      merged.push(a);
      i += 1;
    } else if (b) {
      merged.push(b);
      j += 1;
    }
  }
  return merged;
}

/**
 * `docker logs --timestamps` output: the container's stdout arrives on the channel's stdout,
 * its stderr on stderr. Docker's fixed-width RFC 3339 times order both into one stream.
 */
export function parseLogs(
  stdout: string,
  stderr: string,
  options: { timestamps: boolean; truncated: boolean },
): ContainerLogs {
  const lines = merge(
    logLines(stdout, 'stdout', options.truncated),
    logLines(stderr, 'stderr', options.truncated),
  );
  return {
    lines: options.timestamps ? lines : lines.map((line) => ({ ...line, timestamp: null })),
    truncated: options.truncated,
  };
}
