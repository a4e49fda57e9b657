import type { AuditResult } from '@archnest/contracts';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('audit_log')
export class AuditEntryEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('idx_audit_log_at')
  @Column()
  at!: Date;

  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 255 })
  target!: string;

  @Column({ type: 'varchar', length: 16 })
  result!: AuditResult;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;
}
