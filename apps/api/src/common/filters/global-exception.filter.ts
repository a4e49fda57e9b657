import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { AppError } from '../errors/app-error';
import { statusForCode } from '../errors/error-status';
import { isStorageUnavailable, STORAGE_RETRY_AFTER_SECONDS } from '../errors/storage-unavailable';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  correlationId?: string;
}

/** Fastify's own client errors (bad JSON, body too large) carry a 4xx statusCode and FST_ code. */
interface FastifyClientError {
  code: string;
  statusCode: number;
  message: string;
}

function isFastifyClientError(error: unknown): error is FastifyClientError {
  const candidate = error as Partial<FastifyClientError> | null;
  return (
    typeof candidate?.code === 'string' &&
    candidate.code.startsWith('FST_') &&
    typeof candidate.statusCode === 'number' &&
    candidate.statusCode >= 400 &&
    candidate.statusCode < 500
  );
}

const STORAGE_UNAVAILABLE_MESSAGE =
  'Storage is temporarily unavailable (database unreachable or disk full); retry later';

/** Not a known failure with a status of its own, and the storage is down or full. */
function isStorageFailure(error: unknown): boolean {
  return (
    !(error instanceof AppError) &&
    !(error instanceof HttpException) &&
    !isFastifyClientError(error) &&
    isStorageUnavailable(error)
  );
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function body(status: number, message: string | string[]): ErrorBody {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
}

/**
 * Maps every failure to a JSON error. Known failures keep their message; storage that is down or
 * full (isStorageUnavailable) becomes a 503 with Retry-After; anything else unexpected becomes a
 * generic 500 with a correlation id. Only the server log sees the details.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const response = this.toBody(exception, request);
    if (isStorageFailure(exception)) {
      void reply.header('retry-after', String(STORAGE_RETRY_AFTER_SECONDS));
    }
    void reply.status(response.statusCode).send(response);
  }

  private toBody(exception: unknown, request: FastifyRequest): ErrorBody {
    if (exception instanceof AppError) {
      return body(statusForCode(exception.code), exception.message);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const message =
        typeof payload === 'object' && payload !== null && 'message' in payload
          ? (payload as { message: string | string[] }).message
          : exception.message;
      return body(status, message);
    }
    if (isFastifyClientError(exception)) {
      return body(exception.statusCode, exception.message);
    }
    const correlationId = randomUUID();
    if (isStorageFailure(exception)) {
      this.logger.warn(
        `Storage unavailable ${correlationId} on ${request.method} ${request.routeOptions.url ?? ''}: ${describe(exception)}`,
      );
      return {
        ...body(HttpStatus.SERVICE_UNAVAILABLE, STORAGE_UNAVAILABLE_MESSAGE),
        correlationId,
      };
    }
    this.logger.error(
      `Unhandled error ${correlationId} on ${request.method} ${request.routeOptions.url ?? ''}`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return {
      ...body(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error'),
      correlationId,
    };
  }
}
