import {
  ExecutionContext,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { AgentTokenGuard, bearerToken, tokensMatch } from './agent-token.guard';

const TOKEN = 'agent-token-0123456789abcdef';

function withAuthorization(authorization?: unknown): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => ({ headers: { authorization } }) }),
  } as unknown as ExecutionContext;
}

describe('AgentTokenGuard', () => {
  const guard = new AgentTokenGuard({ agentToken: TOKEN });

  it('answers 503 while no token is configured, whatever is presented', () => {
    const disabled = new AgentTokenGuard({ agentToken: null });
    expect(() => disabled.canActivate(withAuthorization(`Bearer ${TOKEN}`))).toThrow(
      ServiceUnavailableException,
    );
  });

  it('accepts the configured token', () => {
    expect(guard.canActivate(withAuthorization(`Bearer ${TOKEN}`))).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Basic ${TOKEN}`],
    ['a wrong token', 'Bearer wrong'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token plus a byte', `Bearer ${TOKEN}x`],
    ['a very long token', `Bearer ${'x'.repeat(10_000)}`],
    ['a header array', [`Bearer ${TOKEN}`]],
  ])('answers 401 for %s', (_name, header) => {
    expect(() => guard.canActivate(withAuthorization(header))).toThrow(UnauthorizedException);
  });
});

describe('bearerToken', () => {
  it('extracts the token, case-insensitive scheme', () => {
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Bearer a b')).toBeNull();
  });
});

describe('tokensMatch', () => {
  it('compares digests, so different lengths never throw', () => {
    expect(tokensMatch('a', 'a')).toBe(true);
    expect(tokensMatch('a', 'a'.repeat(1000))).toBe(false);
  });
});
