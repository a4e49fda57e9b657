import type { SourceKind } from '@archnest/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { errorReason } from '../../common/errors/error-reason';
import { HostObservationEntity } from './host-observation.entity';
import type { HostRound, RoundContainer } from './observations';

/** An error kept for the operator is cut to this many characters. */
const MAX_ERROR = 300;

/**
 * Where the Docker API collector and the SSH sampler leave what each round saw, for the alert
 * evaluator (which may run on another replica). One row per host; a write never fails or
 * slows the round that makes it.
 */
@Injectable()
export class HostObservations {
  private readonly logger = new Logger(HostObservations.name);
  private failing = false;

  constructor(
    @InjectRepository(HostObservationEntity)
    private readonly rows: Repository<HostObservationEntity>,
  ) {}

  /** A round that listed every container of the host. */
  recordRound(round: HostRound): void {
    const containers: RoundContainer[] = round.containers.map(({ id, name, state, status }) => ({
      id,
      name,
      state,
      status,
    }));
    void this.write(() =>
      this.rows.upsert(
        {
          source: round.source,
          hostId: round.hostId,
          hostName: round.hostName,
          observedAt: round.at,
          downSince: null,
          error: null,
          containersJson: JSON.stringify(containers),
        },
        ['source', 'hostId'],
      ),
    );
  }

  /** A round that could not reach the host; its containers stay as last seen. */
  recordFailure(source: SourceKind, hostId: string, hostName: string, error: unknown): void {
    const at = new Date();
    void this.write(async () => {
      const known = await this.rows.findOneBy({ source, hostId });
      await this.rows.upsert(
        {
          source,
          hostId,
          hostName,
          observedAt: at,
          downSince: known?.downSince ?? at,
          error: errorReason(error).slice(0, MAX_ERROR),
          containersJson: known?.containersJson ?? null,
        },
        ['source', 'hostId'],
      );
    });
  }

  list(): Promise<HostObservationEntity[]> {
    return this.rows.find();
  }

  /** Rows no round renewed since `before`: hosts removed, or collectors turned off. */
  async prune(before: Date): Promise<void> {
    await this.rows.delete({ observedAt: LessThan(before) });
  }

  private async write(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
      if (this.failing) {
        this.failing = false;
        this.logger.log('Host observations recorded again');
      }
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.logger.warn(`Host observations not recorded: ${errorReason(error)}`);
      }
    }
  }
}
