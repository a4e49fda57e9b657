import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Like, MoreThanOrEqual, Repository } from 'typeorm';
import { AuditEntryEntity } from '../../audit/audit-entry.entity';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { ExpectedStop } from './host-memory';

/** An action through ArchNest explains a stop seen this long after it, or three rounds. */
const ACTION_WINDOW_MS = 5 * 60_000;
const ACTION_WINDOW_ROUNDS = 3;
/** The actions after which a container is not running, by design. */
const STOPPING_ACTIONS = new Set(['stop', 'restart', 'remove', 'pause']);

interface AuditedAction {
  source: string;
  hostId: string;
  ref: string;
}

/**
 * Tells the evaluator which stops an admin made through ArchNest: those the audit log holds
 * (`<source>.container.<action>`, target `<source>:<host>/<ref>`, detail `hostId=<id> …`), so
 * they are audited rather than alerted. The audit log is the record every replica shares.
 */
@Injectable()
export class ExpectedStops {
  private readonly windowMs: number;

  constructor(
    @InjectRepository(AuditEntryEntity) private readonly audit: Repository<AuditEntryEntity>,
    @Inject(APP_CONFIG)
    config: Pick<AppConfig, 'alerts' | 'dockerStatsIntervalMs' | 'sshStatsIntervalMs'>,
  ) {
    // A stop is seen at the collector's next round and judged at the evaluator's.
    const slowest = Math.max(
      config.alerts.intervalMs,
      config.dockerStatsIntervalMs,
      config.sshStatsIntervalMs,
    );
    this.windowMs = Math.max(ACTION_WINDOW_MS, ACTION_WINDOW_ROUNDS * slowest);
  }

  async load(now: number): Promise<ExpectedStop> {
    const entries = await this.audit.find({
      select: ['action', 'target', 'detail'],
      where: {
        at: MoreThanOrEqual(new Date(now - this.windowMs)),
        action: Like('%.container.%'),
        // A failed action explains nothing: the container may have crashed on its own.
        result: 'success',
      },
    });
    const actions = entries.flatMap((entry): AuditedAction[] => {
      const [source, , verb] = entry.action.split('.');
      const hostId = /^hostId=(\S+)/.exec(entry.detail ?? '')?.[1];
      const ref = entry.target.slice(entry.target.lastIndexOf('/') + 1);
      return STOPPING_ACTIONS.has(verb) && hostId && ref ? [{ source, hostId, ref }] : [];
    });
    return (host, container) =>
      actions.some(
        (action) =>
          action.source === host.source &&
          action.hostId === host.hostId &&
          (action.ref === container.name || container.id.startsWith(action.ref)),
      );
  }
}
