import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { timestampType } from './column-types';

/**
 * Alerts (docs/alerts.md): rules, channels, events with their deliveries (the outbox), what the
 * evaluator remembers per host, and the latest round of each Docker API host and SSH target.
 */
export class Alerts1764864000000 implements MigrationInterface {
  name = 'Alerts1764864000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = timestampType(queryRunner);
    const uuid = (name: string, nullable = false) => ({
      name,
      type: 'varchar',
      length: '36',
      isNullable: nullable,
    });
    await queryRunner.createTable(
      new Table({
        name: 'alert_channels',
        columns: [
          { ...uuid('id'), isPrimary: true },
          { name: 'name', type: 'varchar', length: '128' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'url', type: 'varchar', length: '2048' },
          { name: 'secret_sealed', type: 'text', isNullable: true },
          { name: 'email_json', type: 'text', isNullable: true },
          { name: 'password_sealed', type: 'text', isNullable: true },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'created_at', type: timestamp },
          { name: 'updated_at', type: timestamp },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'alert_rules',
        columns: [
          { ...uuid('id'), isPrimary: true },
          { name: 'name', type: 'varchar', length: '128' },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'channel_ids', type: 'text' },
          { name: 'scope_json', type: 'text', isNullable: true },
          { name: 'threshold', type: 'double precision', isNullable: true },
          { name: 'for_seconds', type: 'integer' },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'created_at', type: timestamp },
          { name: 'updated_at', type: timestamp },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'alert_events',
        columns: [
          { ...uuid('id'), isPrimary: true },
          // Set while firing, null once resolved: at most one open event per rule and container.
          { name: 'open_key', type: 'varchar', length: '600', isNullable: true, isUnique: true },
          { name: 'status', type: 'varchar', length: '16' },
          uuid('rule_id', true),
          { name: 'rule_name', type: 'varchar', length: '128' },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'source', type: 'varchar', length: '16' },
          { name: 'host_id', type: 'varchar', length: '128' },
          { name: 'host_name', type: 'varchar', length: '256' },
          { name: 'container', type: 'varchar', length: '256', isNullable: true },
          { name: 'message', type: 'varchar', length: '1024' },
          { name: 'starts_at', type: timestamp },
          { name: 'ends_at', type: timestamp, isNullable: true },
        ],
        // No foreign key to the rule: a rule deleted during a round must not fail the round's
        // transaction (on SQLite it holds other work of the one connection); the rule's service
        // clears rule_id itself.
        indices: [{ name: 'IDX_alert_events_status', columnNames: ['status', 'starts_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'alert_deliveries',
        columns: [
          { ...uuid('id'), isPrimary: true },
          uuid('event_id'),
          uuid('channel_id'),
          { name: 'channel_name', type: 'varchar', length: '128' },
          { name: 'transition', type: 'varchar', length: '16' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'tries', type: 'integer', default: 0 },
          { name: 'last_error', type: 'varchar', length: '600', isNullable: true },
          { name: 'created_at', type: timestamp },
          { name: 'next_attempt_at', type: timestamp, isNullable: true },
          { name: 'sent_at', type: timestamp, isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['event_id'],
            referencedTableName: 'alert_events',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          // None to the channel, for the same reason; a deleted channel's pending deliveries go
          // with it (AlertChannelsService), its history stays (channel_name).
        ],
        indices: [
          { name: 'IDX_alert_deliveries_due', columnNames: ['state', 'next_attempt_at'] },
          { name: 'IDX_alert_deliveries_event', columnNames: ['event_id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'alert_memory',
        columns: [
          { name: 'source', type: 'varchar', length: '16', isPrimary: true },
          { name: 'host_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'memory_json', type: 'text' },
          { name: 'updated_at', type: timestamp },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'host_observations',
        columns: [
          { name: 'source', type: 'varchar', length: '16', isPrimary: true },
          { name: 'host_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'host_name', type: 'varchar', length: '256' },
          { name: 'observed_at', type: timestamp },
          { name: 'down_since', type: timestamp, isNullable: true },
          { name: 'error', type: 'varchar', length: '600', isNullable: true },
          { name: 'containers_json', type: 'text', isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'host_observations',
      'alert_memory',
      'alert_deliveries',
      'alert_events',
      'alert_rules',
      'alert_channels',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
