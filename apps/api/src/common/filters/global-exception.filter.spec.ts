import {
  ArgumentsHost,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { AppError, ErrorCode } from '../errors/app-error';
import { GlobalExceptionFilter, type ErrorBody } from './global-exception.filter';

interface Sent {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

function hostCapturing(): { host: ArgumentsHost; sent: () => Sent } {
  let status = 0;
  let body = {} as ErrorBody;
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name] = value;
      return reply;
    },
    status(code: number) {
      status = code;
      return reply;
    },
    send(payload: ErrorBody) {
      body = payload;
      return reply;
    },
  };
  const host = {
    switchToHttp: () => ({
      getResponse: () => reply,
      getRequest: () => ({ method: 'GET', routeOptions: { url: '/api/x' } }),
    }),
  } as unknown as ArgumentsHost;
  return { host, sent: () => ({ status, body, headers }) };
}

describe('GlobalExceptionFilter', () => {
  const filter = new GlobalExceptionFilter();
  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  it('maps a module error code to its status and keeps the message', () => {
    const { host, sent } = hostCapturing();
    filter.catch(new AppError(ErrorCode.Conflict, 'username taken'), host);
    expect(sent()).toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: 'username taken' },
      headers: {},
    });
  });

  it('passes Nest HTTP exceptions through', () => {
    const { host, sent } = hostCapturing();
    filter.catch(new NotFoundException('nope'), host);
    expect(sent().status).toBe(404);
    expect(sent().body.message).toBe('nope');
  });

  it('keeps Fastify client errors (e.g. 413) as they are', () => {
    const { host, sent } = hostCapturing();
    filter.catch(
      Object.assign(new Error('Request body is too large'), {
        code: 'FST_ERR_CTP_BODY_TOO_LARGE',
        statusCode: 413,
      }),
      host,
    );
    expect(sent().status).toBe(413);
  });

  it('keeps a client that aborted its upload a 400, not storage trouble', () => {
    const { host, sent } = hostCapturing();
    filter.catch(
      Object.assign(new Error('aborted'), { code: 'ECONNRESET', statusCode: 400 }),
      host,
    );
    expect(sent().status).toBe(400);
    expect(sent().headers).toEqual({});
  });

  it('hides unexpected errors behind a correlation id', () => {
    const { host, sent } = hostCapturing();
    filter.catch(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'), host);
    const { status, body } = sent();
    expect(status).toBe(500);
    expect(body.message).toBe('Internal server error');
    expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it.each([
    ['SQLite disk full', { code: 'SQLITE_FULL', message: 'SQLITE_FULL: database or disk is full' }],
    ['PostgreSQL down', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    ['PostgreSQL restarting', { code: '57P03', message: 'the database system is starting up' }],
  ])('answers 503 with Retry-After when storage is unavailable (%s)', (_, fields) => {
    const { host, sent } = hostCapturing();
    const driverError = Object.assign(new Error(fields.message), { code: fields.code });
    filter.catch(Object.assign(new Error('Query failed'), { driverError }), host);
    const { status, body, headers } = sent();
    expect(status).toBe(503);
    expect(headers['retry-after']).toBe('10');
    expect(body.message).toMatch(/temporarily unavailable/);
    expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(body)).not.toContain(fields.message);
  });

  it('sends no Retry-After on a 503 that is not about storage (ingest disabled)', () => {
    const { host, sent } = hostCapturing();
    filter.catch(new ServiceUnavailableException('Agent ingest is disabled'), host);
    expect(sent().status).toBe(503);
    expect(sent().headers).toEqual({});
  });
});
