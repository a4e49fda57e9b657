import type { QueryRunner } from 'typeorm';

/** The same migrations run on SQLite and PostgreSQL; only the timestamp type differs. */
export function timestampType(queryRunner: QueryRunner): string {
  return queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
}
