import { resolve } from 'node:path';
import {
  InvalidEnvironmentError,
  LOG_LEVELS,
  type LogLevelName,
  parseEnvironment,
} from './environment';
import { loadOrCreateSecrets } from './secrets';

export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string };

/** The typed configuration every module reads; built once at boot. */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  jwtSecret: string;
  /** 32-byte key for AES-256-GCM encryption of stored credentials. */
  secretKey: Buffer;
  adminPassword: string | null;
  /** The shared agent token; per-host tokens live in the database. */
  agentToken: string | null;
  /** How long the old token of a rotation keeps working. */
  agentTokenOverlapMs: number;
  /** Networks every agent request must come from; empty = any. */
  agentAllowedCidrs: string[];
  /** Whether (or from which proxies) X-Forwarded-For gives the client address. */
  trustProxy: false | 1 | string[];
  staleAfterMs: number;
  /** How often the Docker stats collector samples every running container; 0 = off. */
  dockerStatsIntervalMs: number;
  corsOrigins: string[];
  /** How often each SSH target's `docker stats` is sampled for history; 0 = off. */
  sshStatsIntervalMs: number;
  metrics: MetricsConfig;
  alerts: AlertsConfig;
  /** The most verbose level logged (ARCHNEST_LOG_LEVEL). */
  logLevel: LogLevelName;
}

/** Alerts (docs/alerts.md). */
export interface AlertsConfig {
  /** How often the rules are evaluated; 0 = alerts off. */
  intervalMs: number;
  /** The first retry of a failed delivery waits this long; each next one twice as long. */
  retryBaseMs: number;
  /** A delivery is given up after this many tries. */
  maxTries: number;
}

/** The metrics history (docs/metrics.md). */
export interface MetricsConfig {
  /** Off: nothing is recorded (queries answer gaps); the export still serves what is stored. */
  history: boolean;
  /** How long each tier is kept, in seconds. */
  retention: { raw: number; 60: number; 900: number; 3600: number };
  /** The Prometheus scrape token; null turns `GET /api/metrics` off. */
  scrapeToken: string | null;
}

const HOUR = 3_600;
const DAY = 86_400;

/** Each tier must be kept at least as long as the finer one it is folded from. */
function checkRetention(retention: MetricsConfig['retention']): MetricsConfig['retention'] {
  const order = [
    ['ARCHNEST_METRICS_RETENTION_RAW_HOURS', retention.raw],
    ['ARCHNEST_METRICS_RETENTION_1M_DAYS', retention[60]],
    ['ARCHNEST_METRICS_RETENTION_15M_DAYS', retention[900]],
    ['ARCHNEST_METRICS_RETENTION_1H_DAYS', retention[3600]],
  ] as const;
  for (let i = 1; i < order.length; i++) {
    if (order[i][1] < order[i - 1][1]) {
      throw new InvalidEnvironmentError([
        `${order[i][0]} must keep at least as long as ${order[i - 1][0]}`,
      ]);
    }
  }
  return retention;
}

function splitList(value: string | undefined): string[] {
  return value ? value.split(',').map((part) => part.trim()) : [];
}

/**
 * `on` trusts one proxy hop: the address its X-Forwarded-For entry names. Trusting every hop
 * would take the header's leftmost entry, which the client writes.
 */
function trustProxy(value: string): false | 1 | string[] {
  if (value === 'on' || value === 'true') {
    return 1;
  }
  return value === 'off' || value === 'false' ? false : splitList(value);
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const vars = parseEnvironment(env);
  const dataDir = resolve(vars.ARCHNEST_DATA_DIR ?? './data');
  const secrets = loadOrCreateSecrets(dataDir, {
    jwtSecret: vars.ARCHNEST_JWT_SECRET,
    secretKey: vars.ARCHNEST_SECRET_KEY,
  });
  return {
    port: vars.PORT ?? 4000,
    host: vars.HOST ?? '0.0.0.0',
    dataDir,
    database: vars.DATABASE_URL
      ? { type: 'postgres', url: vars.DATABASE_URL }
      : { type: 'sqlite', path: resolve(dataDir, 'archnest.sqlite') },
    ...secrets,
    adminPassword: vars.ARCHNEST_ADMIN_PASSWORD ?? null,
    agentToken: vars.ARCHNEST_AGENT_TOKEN ?? null,
    agentTokenOverlapMs: (vars.ARCHNEST_AGENT_TOKEN_OVERLAP_SECONDS ?? 600) * 1000,
    agentAllowedCidrs: splitList(vars.ARCHNEST_AGENT_ALLOWED_CIDRS),
    trustProxy: trustProxy(vars.ARCHNEST_TRUST_PROXY ?? 'off'),
    staleAfterMs: vars.STALE_AFTER_MS ?? 90_000,
    dockerStatsIntervalMs: vars.ARCHNEST_DOCKER_STATS_INTERVAL_MS ?? 5_000,
    corsOrigins: vars.ARCHNEST_CORS_ORIGINS?.split(',') ?? [],
    sshStatsIntervalMs: vars.ARCHNEST_SSH_STATS_INTERVAL_MS ?? 15_000,
    metrics: {
      history: vars.ARCHNEST_METRICS_HISTORY !== 'off',
      retention: checkRetention({
        raw: (vars.ARCHNEST_METRICS_RETENTION_RAW_HOURS ?? 24) * HOUR,
        60: (vars.ARCHNEST_METRICS_RETENTION_1M_DAYS ?? 7) * DAY,
        900: (vars.ARCHNEST_METRICS_RETENTION_15M_DAYS ?? 90) * DAY,
        3600: (vars.ARCHNEST_METRICS_RETENTION_1H_DAYS ?? 365) * DAY,
      }),
      scrapeToken: vars.ARCHNEST_METRICS_TOKEN ?? null,
    },
    logLevel: vars.ARCHNEST_LOG_LEVEL ?? 'log',
    alerts: {
      intervalMs: vars.ARCHNEST_ALERTS_INTERVAL_MS ?? 10_000,
      retryBaseMs: vars.ARCHNEST_ALERTS_RETRY_BASE_MS ?? 5_000,
      maxTries: vars.ARCHNEST_ALERTS_MAX_TRIES ?? 10,
    },
  };
}

/** The Nest log levels ARCHNEST_LOG_LEVEL turns on. */
export function logLevelsUpTo(level: LogLevelName): LogLevelName[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}
