import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { timestampType } from './column-types';

export class DockerHosts1764432000000 implements MigrationInterface {
  name = 'DockerHosts1764432000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'docker_hosts',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '64', isUnique: true },
          { name: 'url', type: 'varchar', length: '512' },
          { name: 'tls_sealed', type: 'text', isNullable: true },
          { name: 'last_seen_at', type: timestamp, isNullable: true },
          { name: 'created_at', type: timestamp, default: 'CURRENT_TIMESTAMP' },
          { name: 'updated_at', type: timestamp, default: 'CURRENT_TIMESTAMP' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('docker_hosts');
  }
}
