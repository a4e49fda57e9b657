import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What the evaluator remembers of one host between rounds (HostMemory as JSON). */
@Entity('alert_memory')
export class AlertMemoryEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  source!: string;

  @PrimaryColumn({ name: 'host_id', type: 'varchar', length: 128 })
  hostId!: string;

  @Column({ name: 'memory_json', type: 'text' })
  memoryJson!: string;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;
}
