import type { AgentHost, AgentTokenSummary } from '@archnest/contracts';

/**
 * How a host authenticates: its own token (`active`, `expired`, or `rotated` when it was replaced
 * and its replacement is gone), or `shared` when it has none and reports with the server-wide
 * ARCHNEST_AGENT_TOKEN.
 */
export type HostTokenStatus = 'active' | 'expired' | 'rotated' | 'shared';

/** One row of the agent hosts table: a host that reports, has a token, or both. */
export interface AgentHostRow {
  hostId: string;
  /** Its last report; null until the agent first reports. */
  host: AgentHost | null;
  /** Its current token: the newest one not replaced by a rotation (else the newest). */
  token: AgentTokenSummary | null;
  /** Tokens replaced by a rotation that still work until their expiresAt. */
  previous: AgentTokenSummary[];
  tokenStatus: HostTokenStatus;
}

export const TOKEN_STATUS_LABELS: Record<HostTokenStatus, string> = {
  active: 'Active',
  expired: 'Expired',
  rotated: 'Rotated',
  shared: 'Shared token',
};

/** The status dot of each token status (the label beside it says the same in words). */
export const TOKEN_STATUS_DOTS: Record<HostTokenStatus, string | null> = {
  active: 'online',
  expired: 'unreachable',
  rotated: 'stale',
  shared: null,
};

function newestFirst(a: AgentTokenSummary, b: AgentTokenSummary): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt);
}

function statusOf(token: AgentTokenSummary | null): HostTokenStatus {
  if (!token) {
    return 'shared';
  }
  if (token.state === 'expired') {
    return 'expired';
  }
  return token.replacedBy ? 'rotated' : 'active';
}

/** Joins the reports and the tokens by host id, sorted by host id. */
export function agentHostRows(hosts: AgentHost[], tokens: AgentTokenSummary[]): AgentHostRow[] {
  const byHost = new Map<string, AgentTokenSummary[]>();
  for (const token of tokens) {
    byHost.set(token.hostId, [...(byHost.get(token.hostId) ?? []), token]);
  }
  const reports = new Map(hosts.map((host) => [host.hostId, host]));
  const ids = [...new Set([...reports.keys(), ...byHost.keys()])].sort((a, b) =>
    a.localeCompare(b),
  );
  return ids.map((hostId) => {
    const own = (byHost.get(hostId) ?? []).sort(newestFirst);
    const token = own.find((t) => !t.replacedBy) ?? own[0] ?? null;
    return {
      hostId,
      host: reports.get(hostId) ?? null,
      token,
      previous: own.filter((t) => t !== token && t.replacedBy && t.state === 'active'),
      tokenStatus: statusOf(token),
    };
  });
}

/** Every token of the row that still works: what a revoke has to stop. */
export function workingTokens(row: AgentHostRow): AgentTokenSummary[] {
  const current = row.token && row.token.state === 'active' ? [row.token] : [];
  return [...current, ...row.previous];
}

/** Single-quoted for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The one command that installs the agent on a host with its own token (agent/install.sh, run
 * in a copy of the agent/ folder). The token goes in on stdin (`--token-file -`): printf is a
 * shell builtin, so unlike `--token` or `sudo VAR=…` it never shows in the process list. The URL
 * is this server's origin and the host id matches AGENT_HOST_ID_PATTERN: neither needs quotes.
 */
export function tokenInstallCommand(serverUrl: string, hostId: string, token: string): string {
  return (
    `printf '%s\\n' ${shellQuote(token)} | ` +
    `sudo bash install.sh --url ${serverUrl} --host-id ${hostId} --token-file -`
  );
}
