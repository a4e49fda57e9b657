import { AppError, ErrorCode } from '../common/errors/app-error';
import { describeHop, type SshHop } from './ssh-hop';

type Hop = Pick<SshHop, 'name' | 'host' | 'port'>;

/** ssh2 tags its errors with a `level`; sockets add an errno `code`. */
export interface Ssh2Error extends Error {
  level?: string;
  code?: string;
}

/**
 * Every failure of the transport as an AppError whose message names the target. Messages are
 * built here from known parts only: no ssh2 text that could echo configuration reaches a client.
 */
export const sshErrors = {
  notPinned: (hop: Hop): AppError =>
    new AppError(
      ErrorCode.Conflict,
      `The host key of target ${describeHop(hop)} is not pinned: scan it and accept its fingerprint first`,
    ),
  mismatch: (hop: Hop, presented: string, pinned: string): AppError =>
    new AppError(
      ErrorCode.SourceUnreachable,
      `host key mismatch for target ${describeHop(hop)}: it presented ${presented}, the pinned key is ${pinned}. ` +
        'Nothing was sent. Scan and accept the new key only if the change is expected.',
    ),
  auth: (hop: Hop, username: string): AppError =>
    new AppError(
      ErrorCode.SourceUnreachable,
      `Authentication as '${username}' failed on target ${describeHop(hop)}`,
    ),
  timeout: (hop: Hop, what: string, ms: number): AppError =>
    new AppError(
      ErrorCode.SourceTimeout,
      `Timed out after ${Math.round(ms / 1000)} s ${what} target ${describeHop(hop)}`,
    ),
  unreachable: (hop: Hop, reason: string): AppError =>
    new AppError(ErrorCode.SourceUnreachable, `Cannot reach target ${describeHop(hop)}: ${reason}`),
  connectionLost: (hop: Hop): AppError =>
    new AppError(
      ErrorCode.SourceUnreachable,
      `The SSH connection to target ${describeHop(hop)} was lost`,
    ),
  busy: (hop: Hop, what: string): AppError =>
    new AppError(ErrorCode.TooManyRequests, `Target ${describeHop(hop)} is busy: ${what}`),
};

const SOCKET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
};

/** A short, safe reason for an ssh2 connection error. */
export function reasonOf(error: Ssh2Error): string {
  if (error.code && SOCKET_REASONS[error.code]) {
    return SOCKET_REASONS[error.code] ?? error.code;
  }
  if (/channel open failure/i.test(error.message)) {
    return 'the previous hop could not open a connection to it';
  }
  if (/handshake|kex|algorithm/i.test(error.message)) {
    return 'the SSH handshake failed';
  }
  if (/privatekey|private key|passphrase/i.test(error.message)) {
    return 'the stored private key could not be used (wrong passphrase?)';
  }
  return 'the SSH connection failed';
}

/** Maps an ssh2 error raised while connecting to `hop` to an AppError. */
export function connectError(hop: Hop, username: string, error: Ssh2Error, ms: number): AppError {
  if (error instanceof AppError) {
    return error;
  }
  if (error.level === 'client-authentication') {
    return sshErrors.auth(hop, username);
  }
  if (error.level === 'client-timeout' || error.code === 'ETIMEDOUT') {
    return sshErrors.timeout(hop, 'connecting to', ms);
  }
  return sshErrors.unreachable(hop, reasonOf(error));
}
