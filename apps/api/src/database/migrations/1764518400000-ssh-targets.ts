import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { timestampType } from './column-types';

export class SshTargets1764518400000 implements MigrationInterface {
  name = 'SshTargets1764518400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'ssh_targets',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '64', isUnique: true },
          { name: 'host', type: 'varchar', length: '255' },
          { name: 'port', type: 'integer' },
          { name: 'username', type: 'varchar', length: '64' },
          { name: 'auth_method', type: 'varchar', length: '16' },
          { name: 'credentials_sealed', type: 'text' },
          { name: 'jump_target_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'host_key_fingerprint', type: 'varchar', length: '64', isNullable: true },
          { name: 'docker_command', type: 'varchar', length: '255' },
          { name: 'docker_host', type: 'varchar', length: '255', isNullable: true },
          { name: 'created_at', type: timestamp, default: 'CURRENT_TIMESTAMP' },
          { name: 'updated_at', type: timestamp, default: 'CURRENT_TIMESTAMP' },
        ],
        foreignKeys: [
          {
            name: 'fk_ssh_targets_jump_target',
            columnNames: ['jump_target_id'],
            referencedTableName: 'ssh_targets',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          },
        ],
      }),
      false,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('ssh_targets');
  }
}
