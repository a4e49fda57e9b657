import { HttpStatus } from '@nestjs/common';
import { assertUnreachable, ErrorCode } from './app-error';

export function statusForCode(code: ErrorCode): HttpStatus {
  switch (code) {
    case ErrorCode.BadRequest:
      return HttpStatus.BAD_REQUEST;
    case ErrorCode.Unauthorized:
      return HttpStatus.UNAUTHORIZED;
    case ErrorCode.Forbidden:
      return HttpStatus.FORBIDDEN;
    case ErrorCode.NotFound:
      return HttpStatus.NOT_FOUND;
    case ErrorCode.Conflict:
      return HttpStatus.CONFLICT;
    case ErrorCode.PayloadTooLarge:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case ErrorCode.TooManyRequests:
      return HttpStatus.TOO_MANY_REQUESTS;
    case ErrorCode.SourceUnreachable:
      return HttpStatus.BAD_GATEWAY;
    case ErrorCode.SourceTimeout:
      return HttpStatus.GATEWAY_TIMEOUT;
    case ErrorCode.ServiceUnavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
    default:
      return assertUnreachable(code);
  }
}
