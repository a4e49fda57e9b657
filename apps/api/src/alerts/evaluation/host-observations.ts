import type { SourceKind } from '@archnest/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { errorReason } from '../../common/errors/error-reason';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { HostObservationEntity } from './host-observation.entity';
import type { HostRound, ObservedContainer, ObservedHost, RoundContainer } from './observations';
import { healthOfStatus, startedBounds } from './status-reading';

/** An error kept for the operator is cut to this many characters. */
const MAX_ERROR = 300;
/** A row older than this many of its collector's rounds (and the slack) says nothing now. */
const OBSERVATION_ROUNDS = 3;
const OBSERVATION_SLACK_MS = 30_000;

function toObserved(container: RoundContainer, at: number): ObservedContainer {
  return {
    id: container.id,
    name: container.name,
    state: container.state,
    health: healthOfStatus(container.status),
    restartCount: null,
    startedAt: container.state === 'running' ? startedBounds(container.status, at) : null,
  };
}

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
    @Inject(APP_CONFIG)
    private readonly config: Pick<AppConfig, 'dockerStatsIntervalMs' | 'sshStatsIntervalMs'>,
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

  /** Every collected host as the evaluator reads it; a row gone stale tells nothing. */
  async observe(now: number): Promise<ObservedHost[]> {
    const rows = await this.rows.find();
    return rows.map((row): ObservedHost => {
      const intervalMs =
        row.source === 'docker-ssh'
          ? this.config.sshStatsIntervalMs
          : this.config.dockerStatsIntervalMs;
      const fresh =
        now - row.observedAt.getTime() <= OBSERVATION_ROUNDS * intervalMs + OBSERVATION_SLACK_MS;
      return {
        source: row.source as SourceKind,
        hostId: row.hostId,
        name: row.hostName,
        downSince: fresh ? row.downSince : null,
        containers:
          fresh && row.downSince === null && row.containersJson
            ? (JSON.parse(row.containersJson) as RoundContainer[]).map((container) =>
                toObserved(container, row.observedAt.getTime()),
              )
            : null,
      };
    });
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
