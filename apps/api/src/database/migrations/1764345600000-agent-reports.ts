import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { timestampType } from './column-types';

export class AgentReports1764345600000 implements MigrationInterface {
  name = 'AgentReports1764345600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'docker_agent_reports',
        columns: [
          { name: 'host_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'hostname', type: 'varchar', length: '256' },
          { name: 'agent_version', type: 'varchar', length: '32' },
          { name: 'report_json', type: 'text' },
          { name: 'container_count', type: 'integer' },
          { name: 'reported_at', type: timestamp },
          { name: 'received_at', type: timestamp },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('docker_agent_reports');
  }
}
