import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { DockerHostEntity } from './docker-host.entity';

/** Storage of the Docker host inventory. */
@Injectable()
export class DockerTcpHostsRepository {
  constructor(
    @InjectRepository(DockerHostEntity) private readonly hosts: Repository<DockerHostEntity>,
  ) {}

  list(): Promise<DockerHostEntity[]> {
    return this.hosts.find({ order: { name: 'ASC' } });
  }

  findById(id: string): Promise<DockerHostEntity | null> {
    return this.hosts.findOneBy({ id });
  }

  /** The host, or a 404 naming it. */
  async require(id: string): Promise<DockerHostEntity> {
    const host = await this.findById(id);
    if (!host) {
      throw new AppError(ErrorCode.NotFound, `Docker host ${id} not found`);
    }
    return host;
  }

  nameTaken(name: string, exceptId?: string): Promise<boolean> {
    return this.hosts.findOneBy({ name }).then((host) => host !== null && host.id !== exceptId);
  }

  save(host: DockerHostEntity): Promise<DockerHostEntity> {
    return this.hosts.save(host);
  }

  async delete(id: string): Promise<void> {
    await this.hosts.delete({ id });
  }

  /** Records a successful answer without touching updated_at (which tracks admin edits). */
  async markSeen(ids: string[], at: Date): Promise<void> {
    if (ids.length > 0) {
      await this.hosts.update({ id: In(ids) }, { lastSeenAt: at, updatedAt: () => 'updated_at' });
    }
  }
}
