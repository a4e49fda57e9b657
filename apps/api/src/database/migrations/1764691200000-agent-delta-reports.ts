import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { timestampType } from './column-types';

/**
 * Delta reports (docs/docker-agent-monitoring.md): the inventory's digest beside the report, and
 * the stats of steady reports in a table of their own, so a steady report never rewrites the
 * inventory (SQLite rewrites a whole row on update, overflow pages included).
 */
export class AgentDeltaReports1764691200000 implements MigrationInterface {
  name = 'AgentDeltaReports1764691200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = timestampType(queryRunner);
    await queryRunner.addColumn(
      'docker_agent_reports',
      new TableColumn({
        name: 'inventory_digest',
        type: 'varchar',
        length: '64',
        isNullable: true,
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'docker_agent_stats',
        columns: [
          { name: 'host_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'inventory_digest', type: 'varchar', length: '64' },
          { name: 'stats_json', type: 'text' },
          { name: 'reported_at', type: timestamp },
          { name: 'received_at', type: timestamp },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('docker_agent_stats');
    await queryRunner.dropColumn('docker_agent_reports', 'inventory_digest');
  }
}
