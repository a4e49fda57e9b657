import { LOG_TAIL_MAX, type SourceKind } from './containers';

/**
 * The live-logs WebSocket protocol of /api/containers/logs/follow (docs/logs-protocol.md).
 * Every frame is one JSON text message; the JWT travels in the first one, as for exec.
 */

/** One container to follow, by source, host and ref. */
export interface LogFollowTarget {
  source: SourceKind;
  hostId: string;
  container: string;
}

export interface LogFollowStart {
  type: 'start';
  token: string;
  /** One container (with hostId and container) or `containers` for a merged view. */
  source?: SourceKind;
  hostId?: string;
  container?: string;
  /** A merged view: up to LOG_FOLLOW_LIMITS.maxContainers, across hosts and sources. */
  containers?: LogFollowTarget[];
  /** Lines of history sent first, per container (0..LOG_FOLLOW_LIMITS.maxTail). */
  tail?: number;
  /** Only lines written at or after this RFC 3339 time. */
  since?: string;
  /** Accepted for symmetry with REST: every line carries `t` either way. */
  timestamps?: boolean;
}

export type LogFollowClientMessage = LogFollowStart;

export interface LogFollowLine {
  /** When the engine received the line (RFC 3339, nanoseconds as Docker writes them). */
  t: string;
  stream: 'stdout' | 'stderr';
  text: string;
  /** In a merged view: which container wrote it (its ref, or `<host>/<ref>` when refs repeat). */
  container?: string;
}

export type LogFollowServerMessage =
  | { type: 'ready'; containers: string[] }
  | { type: 'lines'; lines: LogFollowLine[] }
  /** Lines the server dropped because the client read too slowly. */
  | { type: 'dropped'; count: number }
  /** Without `container` the follow is over (then close 1000); with it, one stream of a merge. */
  | { type: 'end'; reason: string; container?: string }
  | { type: 'error'; message: string };

/** Close codes: the exec endpoint's (4400 bad request, 4401, 4403, 4404, 4502 unreachable). */
export const LOG_FOLLOW_CLOSE = {
  normal: 1000,
  goingAway: 1001,
  badRequest: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  unreachable: 4502,
} as const;

export const LOG_FOLLOW_LIMITS = {
  maxContainers: 20,
  maxTail: LOG_TAIL_MAX,
  defaultTail: 100,
  /** A `lines` frame is sent at least this often while lines arrive … */
  flushIntervalMs: 100,
  /** … or as soon as this many are waiting. */
  maxLinesPerFrame: 500,
} as const;
