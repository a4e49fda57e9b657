import { EXEC_CLOSE } from '@archnest/contracts';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { SocketRefusal } from './socket-auth';

const INTERNAL_ERROR = 1011;
/** A close frame's reason is at most 123 bytes of UTF-8. */
const CLOSE_REASON_BYTES = 123;

/** `message` cut to fit a close frame, never mid-character. */
export function closeReason(message: string): string {
  let reason = message.slice(0, CLOSE_REASON_BYTES);
  while (Buffer.byteLength(reason) > CLOSE_REASON_BYTES) {
    reason = reason.slice(0, -1);
  }
  return reason;
}

/** The close code for a failure while opening a WebSocket session (exec, live logs). */
export function closeCodeFor(error: unknown): number {
  if (error instanceof SocketRefusal) {
    return error.closeCode;
  }
  if (!(error instanceof AppError)) {
    return INTERNAL_ERROR;
  }
  switch (error.code) {
    case ErrorCode.NotFound:
      return EXEC_CLOSE.notFound;
    case ErrorCode.Unauthorized:
      return EXEC_CLOSE.unauthorized;
    case ErrorCode.Forbidden:
      return EXEC_CLOSE.forbidden;
    case ErrorCode.SourceUnreachable:
    case ErrorCode.SourceTimeout:
    case ErrorCode.ServiceUnavailable:
      return EXEC_CLOSE.unreachable;
    case ErrorCode.BadRequest:
    case ErrorCode.Conflict:
    case ErrorCode.PayloadTooLarge:
    case ErrorCode.TooManyRequests:
      return EXEC_CLOSE.badRequest;
  }
}
