import type { SourceKind } from './containers';

/**
 * The exec WebSocket protocol of /api/containers/exec (documented in docs/exec-protocol.md).
 * /api/docker/exec and /api/docker-ssh/exec are aliases with a fixed source. Every frame is one
 * JSON text message.
 *
 * Browsers cannot set headers on a WebSocket, so the user's JWT travels in the first message
 * rather than the URL (URLs end up in logs). The server answers `ready` once the shell runs.
 */
export type ExecClientMessage =
  | {
      type: 'start';
      token: string;
      /** Required on /api/containers/exec; an alias path implies its own source. */
      source?: SourceKind;
      hostId: string;
      container: string;
      cols: number;
      rows: number;
      /** Preferred shell; the server falls back to sh. */
      shell?: 'bash' | 'sh';
    }
  | { type: 'input'; data: string }
  | { type: 'resize'; cols: number; rows: number };

export type ExecServerMessage =
  | { type: 'ready'; shell: string }
  | { type: 'output'; data: string }
  | { type: 'exit'; code: number | null }
  | { type: 'error'; message: string };

/** WebSocket close codes the exec endpoints use (4000-4999 are application codes). */
export const EXEC_CLOSE = {
  normal: 1000,
  badRequest: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  unreachable: 4502,
} as const;

export const EXEC_TERMINAL_LIMITS = {
  minCols: 1,
  maxCols: 1000,
  minRows: 1,
  maxRows: 500,
} as const;
