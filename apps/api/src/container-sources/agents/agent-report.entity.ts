import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest report per host (docs/docker-agent-monitoring.md); `received_at` is the server's clock. */
@Entity('docker_agent_reports')
export class AgentReportEntity {
  @PrimaryColumn({ name: 'host_id', type: 'varchar', length: 128 })
  hostId!: string;

  @Column({ type: 'varchar', length: 256 })
  hostname!: string;

  @Column({ name: 'agent_version', type: 'varchar', length: 32 })
  agentVersion!: string;

  /** The report's containers as JSON, env already masked. */
  @Column({ name: 'report_json', type: 'text' })
  reportJson!: string;

  /** The agent's digest of the inventory (schema v2); null from version 1 agents. */
  @Column({ name: 'inventory_digest', type: 'varchar', length: 64, nullable: true })
  inventoryDigest!: string | null;

  /** Kept beside the JSON so the host list never has to parse every report. */
  @Column({ name: 'container_count', type: 'integer' })
  containerCount!: number;

  @Column({ name: 'reported_at' })
  reportedAt!: Date;

  @Column({ name: 'received_at' })
  receivedAt!: Date;
}
