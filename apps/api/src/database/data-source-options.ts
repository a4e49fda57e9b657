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
    logging: ['error', 'migration'],
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
  };
}
