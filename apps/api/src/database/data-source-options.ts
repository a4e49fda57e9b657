import * as sqlite3 from 'sqlite3';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** Schema changes only through migrations, run at start, on both databases. */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    // Not 'error': TypeORM would log a failed statement with every parameter (whole batches of
    // reports, password hashes). The global filter logs what failed, without the data.
    logging: ['migration'],
  } satisfies Partial<DataSourceOptions>;
  if (database.type === 'postgres') {
    return { ...common, type: 'postgres', url: database.url };
  }
  return {
    ...common,
    type: 'sqlite',
    database: database.path,
    enableWAL: true,
    busyTimeout: 5000,
    driver: sqlite3WithoutCallTracing,
  };
}

/**
 * TypeORM calls `driver.verbose()`, which wraps every sqlite3 call to capture a stack trace and
 * `util.inspect` its arguments, the whole report JSON included: about 8 % of ingest CPU.
 * Errors still carry their SQLite code and message.
 */
const sqlite3WithoutCallTracing = { ...sqlite3, verbose: () => sqlite3 };
