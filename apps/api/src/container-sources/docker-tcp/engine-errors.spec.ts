import { AppError, ErrorCode } from '../../common/errors/app-error';
import { toEngineError } from './engine-errors';

const context = { hostName: 'lab', timedOut: false, timeoutMs: 10_000 };

function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), {
    statusCode,
    json: { message },
  });
}

function systemError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

function mapped(error: unknown, timedOut = false): AppError {
  const result = toEngineError(error, { ...context, timedOut });
  if (!(result instanceof AppError)) {
    throw new Error(`not an AppError: ${String(result)}`);
  }
  return result;
}

describe('toEngineError', () => {
  it.each([
    [404, 'No such container: web', ErrorCode.NotFound],
    [409, 'Container abc is not running', ErrorCode.Conflict],
    [400, 'invalid signal', ErrorCode.BadRequest],
    [500, 'oci runtime error', ErrorCode.SourceUnreachable],
  ])('maps HTTP %i and keeps the engine message', (status, message, code) => {
    const error = mapped(httpError(status, message));
    expect(error.code).toBe(code);
    expect(error.message).toContain(`Docker host "lab": ${message}`);
  });

  it('uses the status summary when the body has no message', () => {
    const error = Object.assign(new Error('(HTTP code 502) unexpected - Bad Gateway '), {
      statusCode: 502,
      json: null,
    });
    expect(mapped(error).message).toBe(
      'Docker host "lab": unexpected - Bad Gateway (engine answered HTTP 502)',
    );
  });

  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ENOENT', 'no socket at that path'],
    ['ECONNRESET', 'the connection was closed by the other side'],
    ['EHOSTUNREACH', 'host unreachable'],
  ])('reads %s as unreachable (502)', (code, reason) => {
    const error = mapped(systemError(code, `connect ${code} /secret/path`));
    expect(error.code).toBe(ErrorCode.SourceUnreachable);
    expect(error.message).toBe(`Docker host "lab" is unreachable: ${reason} (${code})`);
  });

  it('explains TLS verification failures', () => {
    const error = mapped(
      systemError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
    );
    expect(error.message).toBe(
      'Docker host "lab" is unreachable: TLS handshake failed: self-signed certificate in certificate chain',
    );
  });

  it('says when the endpoint is not a Docker engine', () => {
    expect(mapped(systemError('HPE_INVALID_CONSTANT', 'Expected HTTP/')).message).toContain(
      'does not speak the Docker Engine API',
    );
  });

  it('answers 504 when our deadline cut the call, whatever the transport said', () => {
    const error = mapped(systemError('ABORT_ERR', 'The operation was aborted'), true);
    expect(error.code).toBe(ErrorCode.SourceTimeout);
    expect(error.message).toBe('Docker host "lab" did not answer within 10 s');
  });

  it('leaves programming errors alone so they become a 500 with a correlation id', () => {
    const bug = new TypeError('x is undefined');
    expect(toEngineError(bug, context)).toBe(bug);
  });
});
