import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { timestampType } from './column-types';

/**
 * Per-host agent tokens and users' API keys, one table (docs/security.md), and a revision per
 * kind that every change moves: replicas watch it to know when to read the tokens again.
 */
export class AccessTokens1764777600000 implements MigrationInterface {
  name = 'AccessTokens1764777600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'access_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'hint', type: 'varchar', length: '32' },
          { name: 'name', type: 'varchar', length: '128', isNullable: true },
          { name: 'host_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'read_only', type: 'boolean', default: false },
          { name: 'allowed_cidrs', type: 'text' },
          { name: 'created_at', type: timestamp, default: 'CURRENT_TIMESTAMP' },
          { name: 'expires_at', type: timestamp, isNullable: true },
          { name: 'last_used_at', type: timestamp, isNullable: true },
          { name: 'last_address', type: 'varchar', length: '64', isNullable: true },
          { name: 'replaced_by', type: 'varchar', length: '36', isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [
          { name: 'IDX_access_tokens_host', columnNames: ['kind', 'host_id'] },
          { name: 'IDX_access_tokens_user', columnNames: ['user_id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'access_token_revisions',
        columns: [
          { name: 'kind', type: 'varchar', length: '16', isPrimary: true },
          { name: 'revision', type: 'bigint', default: 0 },
        ],
      }),
    );
    await queryRunner.query(
      "INSERT INTO access_token_revisions (kind, revision) VALUES ('agent', 0), ('api-key', 0)",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('access_token_revisions');
    await queryRunner.dropTable('access_tokens');
  }
}
