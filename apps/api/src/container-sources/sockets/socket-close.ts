import { EXEC_CLOSE } from '@archnest/contracts';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { SocketRefusal } from './socket-auth';

const INTERNAL_ERROR = 1011;

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
