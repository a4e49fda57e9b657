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
import { STORAGE_RETRY_AFTER_SECONDS, storageUnavailableCode } from '../errors/storage-unavailable';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  correlationId?: string;
}

/**
 * Client errors with a status of their own: Fastify's (bad JSON, body too large, FST_ codes) and
 * Node's (a client that aborted its upload: ECONNRESET with statusCode 400).
 */
interface ClientError {
  statusCode: number;
  message: string;
}

function isClientError(error: unknown): error is ClientError {
  const candidate = error as Partial<ClientError> | null;
  return (
    typeof candidate?.statusCode === 'number' &&
    candidate.statusCode >= 400 &&
    candidate.statusCode < 500 &&
    typeof candidate.message === 'string'
  );
}

const STORAGE_UNAVAILABLE_MESSAGE =
  'Storage is temporarily unavailable (database unreachable or disk full); retry later';

/** For an unexpected failure: the code that says the storage is down or full, if it is. */
function storageFailureCode(error: unknown): string | undefined {
  if (error instanceof AppError || error instanceof HttpException || isClientError(error)) {
    return undefined;
  }
  return storageUnavailableCode(error);
}

function body(status: number, message: string | string[]): ErrorBody {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
}

/**
 * Maps every failure to a JSON error. Known failures keep their message; storage that is down or
 * full (storageUnavailableCode) becomes a 503 with Retry-After; anything else unexpected becomes a
 * generic 500 with a correlation id. Only the server log sees the details.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const storageCode = storageFailureCode(exception);
    const response = storageCode
      ? this.storageUnavailable(storageCode, request)
      : this.toBody(exception, request);
    if (storageCode) {
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
    if (isClientError(exception)) {
      return body(exception.statusCode, exception.message);
    }
    const correlationId = randomUUID();
    this.logger.error(
      `Unhandled error ${correlationId} on ${request.method} ${request.routeOptions.url ?? ''}`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return {
      ...body(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error'),
      correlationId,
    };
  }

  /** Logs the code only: driver messages may name database hosts and users. */
  private storageUnavailable(code: string, request: FastifyRequest): ErrorBody {
    const correlationId = randomUUID();
    this.logger.warn(
      `Storage unavailable (${code}) ${correlationId} on ${request.method} ${request.routeOptions.url ?? ''}`,
    );
    return { ...body(HttpStatus.SERVICE_UNAVAILABLE, STORAGE_UNAVAILABLE_MESSAGE), correlationId };
  }
}
