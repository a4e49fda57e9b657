import { ArgumentsHost, Logger, NotFoundException } from '@nestjs/common';
import { AppError, ErrorCode } from '../errors/app-error';
import { GlobalExceptionFilter, type ErrorBody } from './global-exception.filter';

function hostCapturing(): { host: ArgumentsHost; sent: () => { status: number; body: ErrorBody } } {
  let status = 0;
  let body = {} as ErrorBody;
  const reply = {
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
  return { host, sent: () => ({ status, body }) };
}

describe('GlobalExceptionFilter', () => {
  const filter = new GlobalExceptionFilter();
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

  it('maps a module error code to its status and keeps the message', () => {
    const { host, sent } = hostCapturing();
    filter.catch(new AppError(ErrorCode.Conflict, 'username taken'), host);
    expect(sent()).toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: 'username taken' },
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

  it('hides unexpected errors behind a correlation id', () => {
    const { host, sent } = hostCapturing();
    filter.catch(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'), host);
    const { status, body } = sent();
    expect(status).toBe(500);
    expect(body.message).toBe('Internal server error');
    expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });
});
