import { describe, expect, it } from 'vitest';
import type { AgentHost, AgentTokenSummary } from '@archnest/contracts';
import {
  agentHostRows,
  shellQuote,
  tokenInstallCommand,
  workingTokens,
  type AgentHostRow,
} from './agent-host-rows';

function host(hostId: string): AgentHost {
  return {
    hostId,
    hostname: hostId,
    agentVersion: '2',
    reportedAt: '2026-06-20T10:00:00Z',
    receivedAt: '2026-06-20T10:00:00Z',
    containerCount: 1,
    stale: false,
  };
}

function token(id: string, hostId: string, fields: Partial<AgentTokenSummary> = {}) {
  return {
    id,
    hostId,
    name: null,
    hint: 'archnest_agent_abcd…',
    state: 'active',
    createdAt: '2026-06-20T09:00:00Z',
    expiresAt: null,
    lastUsedAt: null,
    lastAddress: null,
    allowedCidrs: [],
    replacedBy: null,
    ...fields,
  } satisfies AgentTokenSummary;
}

const summary = (rows: AgentHostRow[]) =>
  rows.map((r) => [r.hostId, !!r.host, r.token?.id ?? null, r.tokenStatus]);

describe('agentHostRows', () => {
  it('joins reports and tokens by host id, hosts with only a token included', () => {
    const rows = agentHostRows(
      [host('b-reports-shared'), host('a-both')],
      [token('t1', 'a-both'), token('t2', 'c-waiting')],
    );
    expect(summary(rows)).toEqual([
      ['a-both', true, 't1', 'active'],
      ['b-reports-shared', true, null, 'shared'],
      ['c-waiting', false, 't2', 'active'],
    ]);
  });

  it('shows the replacement after a rotation, with the old token while it still works', () => {
    const old = token('old', 'h', {
      replacedBy: 'new',
      expiresAt: '2026-06-20T10:10:00Z',
      createdAt: '2026-06-01T00:00:00Z',
    });
    const rows = agentHostRows([host('h')], [old, token('new', 'h')]);
    expect(summary(rows)).toEqual([['h', true, 'new', 'active']]);
    expect(rows[0].previous.map((t) => t.id)).toEqual(['old']);
    expect(workingTokens(rows[0]).map((t) => t.id)).toEqual(['new', 'old']);

    const over = agentHostRows([], [{ ...old, state: 'expired' }, token('new', 'h')]);
    expect(over[0].previous).toEqual([]);
  });

  it('names expired tokens, and a replaced token whose replacement is gone', () => {
    const rows = agentHostRows(
      [],
      [token('e', 'expired-host', { state: 'expired' }), token('r', 'r-host', { replacedBy: 'x' })],
    );
    expect(summary(rows)).toEqual([
      ['expired-host', false, 'e', 'expired'],
      ['r-host', false, 'r', 'rotated'],
    ]);
    expect(workingTokens(rows[0])).toEqual([]);
    expect(workingTokens(rows[1]).map((t) => t.id)).toEqual(['r']);
  });
});

describe('tokenInstallCommand', () => {
  it('hands install.sh the token on stdin, never as an argument', () => {
    expect(tokenInstallCommand('https://archnest.lan', 'edge-1', 'archnest_agent_x-Y_z')).toBe(
      "printf '%s\\n' 'archnest_agent_x-Y_z' | " +
        'sudo bash install.sh --url https://archnest.lan --host-id edge-1 --token-file -',
    );
  });

  it('quotes a quote safely', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
