import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SshTargetEntity } from './ssh-target.entity';

/** Storage of SSH targets. */
@Injectable()
export class SshTargetsRepository {
  constructor(
    @InjectRepository(SshTargetEntity) private readonly targets: Repository<SshTargetEntity>,
  ) {}

  list(): Promise<SshTargetEntity[]> {
    return this.targets.find({ order: { name: 'ASC' } });
  }

  findById(id: string): Promise<SshTargetEntity | null> {
    return this.targets.findOneBy({ id });
  }

  findByName(name: string): Promise<SshTargetEntity | null> {
    return this.targets.findOneBy({ name });
  }

  /** Targets that use `id` as their jump host. */
  jumpingThrough(id: string): Promise<SshTargetEntity[]> {
    return this.targets.find({ where: { jumpTargetId: id }, order: { name: 'ASC' } });
  }

  save(target: SshTargetEntity): Promise<SshTargetEntity> {
    return this.targets.save(target);
  }

  async delete(id: string): Promise<void> {
    await this.targets.delete({ id });
  }
}
