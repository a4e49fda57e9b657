import {
  ExecutionContext,
  ForbiddenException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { AccessTokensService, VerifiedToken } from '../../access-tokens/access-tokens.service';
import type { AuditRecord, AuditService } from '../../audit/audit.service';
import { NetworkAllowlist } from '../../common/network/cidr';
import { AgentTokenGuard } from './agent-token.guard';

const SHARED = 'agent-token-0123456789abcdef';
const HOST_TOKEN = 'archnest_agent_host-one-token';

function hostToken(overrides: Partial<VerifiedToken> = {}): VerifiedToken {
  return {
    id: 't1',
    hint: 'archnest_agent_host…',
    hostId: 'host-1',
    userId: null,
    readOnly: false,
    networks: new NetworkAllowlist([]),
    expired: false,
    ...overrides,
  };
}

function request(authorization: unknown, hostId: unknown = 'host-1', ip = '127.0.0.1') {
  return { ip, headers: { authorization }, body: { hostId } };
}

function context(req: ReturnType<typeof request>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
}

function setUp(
  options: { shared?: string | null; stored?: VerifiedToken | null; cidrs?: string[] } = {},
) {
  const audited: AuditRecord[] = [];
  const used: string[] = [];
  const tokens = {
    verify: jest.fn((_kind: string, token: string) =>
      Promise.resolve(token === HOST_TOKEN ? (options.stored ?? null) : null),
    ),
    exists: jest.fn(() => Promise.resolve(options.stored !== undefined && options.stored !== null)),
    noteUse: (token: VerifiedToken, address: string) => used.push(`${token.id}@${address}`),
  };
  const audit = { record: (entry: AuditRecord) => Promise.resolve(void audited.push(entry)) };
  const guard = new AgentTokenGuard(
    {
      agentToken: options.shared === undefined ? SHARED : options.shared,
      agentAllowedCidrs: options.cidrs ?? [],
    },
    tokens as unknown as AccessTokensService,
    audit as unknown as AuditService,
  );
  const check = (req: ReturnType<typeof request>) => guard.canActivate(context(req));
  return { check, audited, used, tokens };
}

describe('AgentTokenGuard with the shared token', () => {
  const { check, tokens } = setUp();

  it('accepts the configured token without a database lookup', async () => {
    await expect(check(request(`Bearer ${SHARED}`))).resolves.toBe(true);
    expect(tokens.verify).not.toHaveBeenCalled();
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Basic ${SHARED}`],
    ['a wrong token', 'Bearer wrong'],
    ['a prefix of the token', `Bearer ${SHARED.slice(0, -1)}`],
    ['the token plus a byte', `Bearer ${SHARED}x`],
    ['a very long token', `Bearer ${'x'.repeat(10_000)}`],
    ['a header array', [`Bearer ${SHARED}`]],
    ['an unknown per-host token', 'Bearer archnest_agent_unknown'],
  ])('answers 401 for %s', async (_name, header) => {
    await expect(check(request(header))).rejects.toThrow(UnauthorizedException);
  });
});

describe('AgentTokenGuard with per-host tokens', () => {
  it('answers 503 only while neither a shared nor any per-host token exists', async () => {
    await expect(setUp({ shared: null }).check(request(`Bearer ${SHARED}`))).rejects.toThrow(
      ServiceUnavailableException,
    );
    const { check } = setUp({ shared: null, stored: hostToken() });
    await expect(check(request('Bearer archnest_agent_other'))).rejects.toThrow(
      UnauthorizedException,
    );
  });

  it('accepts a token for its own host and notes the use and address', async () => {
    const { check, used } = setUp({ shared: null, stored: hostToken() });
    await expect(check(request(`Bearer ${HOST_TOKEN}`, 'host-1', '10.0.0.7'))).resolves.toBe(true);
    expect(used).toEqual(['t1@10.0.0.7']);
  });

  it('refuses another hostId with 403 and audits it, naming neither token in full', async () => {
    const { check, audited, used } = setUp({ stored: hostToken() });
    await expect(check(request(`Bearer ${HOST_TOKEN}`, 'host-2'))).rejects.toThrow(
      new ForbiddenException('This agent token is for host host-1, not host-2'),
    );
    expect(audited).toEqual([
      expect.objectContaining({
        action: 'agent.report',
        target: 'agent:host-2',
        result: 'failure',
      }),
    ]);
    expect(JSON.stringify(audited)).not.toContain(HOST_TOKEN);
    expect(used).toEqual([]);
  });

  it('lets a body without a string hostId through to validation (400 there)', async () => {
    const { check } = setUp({ stored: hostToken() });
    await expect(check(request(`Bearer ${HOST_TOKEN}`, 42))).resolves.toBe(true);
  });

  it('refuses an expired token with 401 and audits it', async () => {
    const { check, audited } = setUp({ stored: hostToken({ expired: true }) });
    await expect(check(request(`Bearer ${HOST_TOKEN}`))).rejects.toThrow(UnauthorizedException);
    expect(audited[0].detail).toContain('expired');
  });

  it("refuses an address outside the token's networks with 403", async () => {
    const { check, audited } = setUp({
      stored: hostToken({ networks: new NetworkAllowlist(['127.0.0.0/8']) }),
    });
    await expect(
      check(request(`Bearer ${HOST_TOKEN}`, 'host-1', '::ffff:127.0.0.9')),
    ).resolves.toBe(true);
    await expect(check(request(`Bearer ${HOST_TOKEN}`, 'host-1', '10.9.0.2'))).rejects.toThrow(
      ForbiddenException,
    );
    expect(audited).toHaveLength(1);
  });

  it('refuses any token from outside ARCHNEST_AGENT_ALLOWED_CIDRS before looking it up', async () => {
    const { check, tokens } = setUp({ stored: hostToken(), cidrs: ['192.168.0.0/16'] });
    await expect(check(request(`Bearer ${SHARED}`, 'host-1', '10.0.0.1'))).rejects.toThrow(
      ForbiddenException,
    );
    await expect(check(request(`Bearer ${HOST_TOKEN}`, 'host-1', '192.168.4.4'))).resolves.toBe(
      true,
    );
    expect(tokens.verify).toHaveBeenCalledTimes(1);
  });
});
