import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The stats of a host's latest steady report (docs/docker-agent-monitoring.md). They apply to
 * the stored inventory while `inventory_digest` is its digest and they are newer than it.
 */
@Entity('docker_agent_stats')
export class AgentStatsEntity {
  @PrimaryColumn({ name: 'host_id', type: 'varchar', length: 128 })
  hostId!: string;

  @Column({ name: 'inventory_digest', type: 'varchar', length: 64 })
  inventoryDigest!: string;

  /** The steady report's containers as sent: `[{id, stats: [seven figures] | null}]`. */
  @Column({ name: 'stats_json', type: 'text' })
  statsJson!: string;

  @Column({ name: 'reported_at' })
  reportedAt!: Date;

  @Column({ name: 'received_at' })
  receivedAt!: Date;
}
