import { AppError, ErrorCode } from '../../common/errors/app-error';

/** What dockerode (docker-modem) attaches to an error for a non-2xx engine answer. */
interface EngineHttpError {
  statusCode: number;
  json?: unknown;
  message: string;
}

interface SystemError {
  code: string;
  message: string;
}

export interface EngineCallContext {
  hostName: string;
  /** True when our own deadline cut the call. */
  timedOut: boolean;
  timeoutMs: number;
}

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was closed by the other side',
  EPIPE: 'the connection was closed by the other side',
  ENOENT: 'no socket at that path',
  EACCES: 'permission denied on the socket',
  ENOTSOCK: 'that path is not a socket',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host name does not resolve',
  EAI_AGAIN: 'host name does not resolve (DNS failure)',
};

/** Node's certificate verification failures (tls.TLSSocket#authorizationError codes). */
const CERT_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'EPROTO',
]);

const NOT_DOCKER = 'the endpoint does not speak the Docker Engine API';

/** Thrown when an answer has the wrong shape: whatever listens there is not a Docker engine. */
export class UnexpectedAnswerError extends Error {
  readonly code = 'EUNEXPECTED_ANSWER';

  constructor() {
    super(NOT_DOCKER);
    this.name = 'UnexpectedAnswerError';
  }
}

/** The answer if it passes the shape check, else an UnexpectedAnswerError. */
export function expectShape<T>(value: unknown, check: (value: unknown) => boolean): T {
  if (!check(value)) {
    throw new UnexpectedAnswerError();
  }
  return value as T;
}

export const isEngineObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);

function isHttpError(error: unknown): error is EngineHttpError {
  return typeof (error as Partial<EngineHttpError> | null)?.statusCode === 'number';
}

/** Duck-typed: errors from Node's core modules may come from another realm (e.g. under jest). */
function isSystemError(error: unknown): error is SystemError {
  const candidate = error as Partial<SystemError> | null;
  return typeof candidate?.code === 'string' && typeof candidate.message === 'string';
}

/** The engine's own words: `{"message": "..."}` from the body, else docker-modem's summary. */
export function engineMessage(error: EngineHttpError): string {
  const json = error.json as { message?: unknown } | null | undefined;
  if (typeof json?.message === 'string' && json.message.trim()) {
    return json.message.trim();
  }
  return error.message.replace(/^\(HTTP code \d+\) /, '').trim();
}

function fromHttp(error: EngineHttpError, host: string): AppError {
  const message = `Docker host "${host}": ${engineMessage(error)}`;
  switch (error.statusCode) {
    case 400:
      return new AppError(ErrorCode.BadRequest, message);
    case 404:
      return new AppError(ErrorCode.NotFound, message);
    case 409:
      return new AppError(ErrorCode.Conflict, message);
    default:
      return new AppError(
        ErrorCode.SourceUnreachable,
        `${message} (engine answered HTTP ${error.statusCode})`,
      );
  }
}

function transportReason(error: SystemError): string {
  const known = NETWORK_REASONS[error.code];
  if (known) {
    return `${known} (${error.code})`;
  }
  if (CERT_ERRORS.has(error.code) || /^ERR_(SSL|TLS)_/.test(error.code)) {
    return `TLS handshake failed: ${error.message}`;
  }
  if (error.code.startsWith('HPE_') || error.code === 'EUNEXPECTED_ANSWER') {
    return NOT_DOCKER;
  }
  return error.message;
}

/**
 * Turns whatever a dockerode call threw into an AppError with a readable message: the engine's
 * own answer for 4xx, 502 for a transport or engine failure, 504 when our deadline cut it.
 * Programming errors (no HTTP status, no system code) are rethrown untouched and become a 500.
 */
export function toEngineError(error: unknown, context: EngineCallContext): Error {
  if (error instanceof AppError) {
    return error;
  }
  if (context.timedOut) {
    const seconds = Math.round(context.timeoutMs / 100) / 10;
    return new AppError(
      ErrorCode.SourceTimeout,
      `Docker host "${context.hostName}" did not answer within ${seconds} s`,
    );
  }
  if (isHttpError(error)) {
    return fromHttp(error, context.hostName);
  }
  if (isSystemError(error)) {
    return new AppError(
      ErrorCode.SourceUnreachable,
      `Docker host "${context.hostName}" is unreachable: ${transportReason(error)}`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
