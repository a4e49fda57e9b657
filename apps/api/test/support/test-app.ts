import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createApp } from '../../src/app';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { loadInfra, testDatabaseKind } from '../harness/infra';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Closes the app and drops its private database. */
  close(): Promise<void>;
}

/**
 * Starts the real application on a fresh, private database of the kind this jest project uses
 * (SQLite file in a temp dir, or a new database on the harness's PostgreSQL).
 */
export async function startTestApp(
  env: NodeJS.ProcessEnv = {},
  options: { webDir?: string } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'archnest-app-'));
  const database = testDatabaseKind() === 'postgres' ? await createPostgresDatabase() : null;
  const config = loadConfig({
    ARCHNEST_DATA_DIR: dataDir,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const app = await createApp(config, { logger: false, webDir: options.webDir });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    async close() {
      await app.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createPostgresDatabase(): Promise<TestDatabase> {
  const { postgres } = loadInfra();
  const name = `archnest_${randomBytes(6).toString('hex')}`;
  await adminQuery(postgres.url, `CREATE DATABASE ${name}`);
  const url = new URL(postgres.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(postgres.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
