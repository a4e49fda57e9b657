/**
 * Failures of the storage underneath the API rather than of the request: the database is down,
 * restarting or unreachable, or the disk under it is full. They pass once the operator acts (or
 * PostgreSQL is back), so clients are told to retry (503 + Retry-After) instead of a 500.
 */

/** Seconds a client should wait before retrying; agents report every 30 s anyway. */
export const STORAGE_RETRY_AFTER_SECONDS = 10;

/**
 * Node socket and file system codes: the database cannot be reached, or the disk is full.
 * (A client that aborts its own upload also raises ECONNRESET; the filter keeps that one's 400.)
 */
const SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOSPC',
  'EDQUOT',
]);

/** SQLite result codes (node-sqlite3 puts the primary code in `code`). */
const SQLITE_CODES = new Set(['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_BUSY', 'SQLITE_CANTOPEN']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 53 (insufficient resources: disk full,
 * out of memory, too many connections), 57P01-57P03 (shut down by the administrator, crashed,
 * cannot connect now — e.g. still starting up).
 */
const PG_STATE = /^(08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[1-3])$/;

/** Messages of node-postgres that carry no code. */
const PG_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error/,
];

interface CodedError {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

function storageCode(error: CodedError): string | undefined {
  const code = typeof error.code === 'string' ? error.code : '';
  if (SYSTEM_CODES.has(code) || SQLITE_CODES.has(code) || PG_STATE.test(code)) {
    return code;
  }
  const message = typeof error.message === 'string' ? error.message : '';
  return PG_MESSAGES.some((pattern) => pattern.test(message)) ? 'connection lost' : undefined;
}

/**
 * The code that says the storage is unavailable rather than the request wrong, or undefined.
 * A TypeORM QueryFailedError keeps the driver's error in `driverError`, wrapped errors in `cause`.
 * Only the code is returned: driver messages may name hosts and users, so they stay out of logs.
 */
export function storageUnavailableCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as CodedError;
    const code = storageCode(candidate);
    if (code) {
      return code;
    }
    current = candidate.driverError ?? candidate.cause;
  }
  return undefined;
}
