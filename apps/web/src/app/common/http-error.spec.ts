import { describe, expect, it } from 'vitest';
import { HttpErrorResponse } from '@angular/common/http';
import { describeError } from './http-error';

function httpError(status: number, error: unknown): HttpErrorResponse {
  return new HttpErrorResponse({ status, statusText: 'Status text', error });
}

describe('describeError', () => {
  it('uses the API message', () => {
    expect(describeError(httpError(409, { statusCode: 409, message: 'Username taken' }))).toBe(
      'Username taken',
    );
  });

  it('joins validation messages', () => {
    const error = httpError(400, {
      statusCode: 400,
      error: 'Bad Request',
      message: ['username should not be empty', 'password is too short'],
    });
    expect(describeError(error)).toBe('username should not be empty; password is too short');
  });

  it('explains rate limiting and an unreachable server', () => {
    expect(describeError(httpError(429, null))).toBe('Too many attempts, wait a minute.');
    expect(describeError(httpError(0, null))).toContain('Cannot reach the server');
  });

  it('falls back to the status when the body is not an API error', () => {
    expect(describeError(httpError(502, '<html>Bad gateway</html>'))).toBe(
      'The server answered 502 Status text.',
    );
  });
});
