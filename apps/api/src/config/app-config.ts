import { resolve } from 'node:path';
import { parseEnvironment } from './environment';
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
  agentToken: string | null;
  staleAfterMs: number;
  /** How often the Docker stats collector samples every running container; 0 = off. */
  dockerStatsIntervalMs: number;
  corsOrigins: string[];
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
    staleAfterMs: vars.STALE_AFTER_MS ?? 90_000,
    dockerStatsIntervalMs: vars.ARCHNEST_DOCKER_STATS_INTERVAL_MS ?? 5_000,
    corsOrigins: vars.ARCHNEST_CORS_ORIGINS?.split(',') ?? [],
  };
}
