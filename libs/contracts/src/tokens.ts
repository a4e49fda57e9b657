/**
 * Per-host agent tokens and users' API keys (docs/security.md, "Tokens and API keys"). Both are
 * shown once, when issued; afterwards only their summary is listed.
 */

/** The recognisable prefixes, so secret scanners can find a leaked token or key. */
export const AGENT_TOKEN_PREFIX = 'archnest_agent_';
export const API_KEY_PREFIX = 'archnest_key_';

/** `active`; `expired` once past expiresAt (a rotated token expires when its overlap ends). */
export type TokenState = 'active' | 'expired';

interface IssuedTokenSummary {
  id: string;
  name: string | null;
  /** The prefix and the first characters of the token, to tell tokens apart. */
  hint: string;
  state: TokenState;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  /** The source address of the last request that used it. */
  lastAddress: string | null;
}

/** `GET /api/agents/tokens` items: never the token itself. */
export interface AgentTokenSummary extends IssuedTokenSummary {
  hostId: string;
  /** Source networks it may be used from; empty = any (the server-wide list still applies). */
  allowedCidrs: string[];
  /** Set on the old token of a rotation: the id of the token that replaced it. */
  replacedBy: string | null;
}

/** `POST /api/agents/tokens` body. */
export interface CreateAgentToken {
  hostId: string;
  name?: string;
  allowedCidrs?: string[];
  expiresAt?: string;
}

/** The answer to issue and rotate: the token, shown this once. */
export interface IssuedAgentToken extends AgentTokenSummary {
  token: string;
}

/** `GET /api/auth/api-keys` items: never the key itself. */
export interface ApiKeySummary extends IssuedTokenSummary {
  userId: string;
  username: string;
  readOnly: boolean;
}

/** `POST /api/auth/api-keys` body. */
export interface CreateApiKey {
  name: string;
  expiresAt?: string;
  readOnly?: boolean;
}

/** The answer to `POST /api/auth/api-keys`: the key, shown this once. */
export interface IssuedApiKey extends ApiKeySummary {
  key: string;
}
