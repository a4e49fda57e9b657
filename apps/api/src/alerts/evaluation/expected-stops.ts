import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Like, MoreThanOrEqual, Repository } from 'typeorm';
import { AuditEntryEntity } from '../../audit/audit-entry.entity';
import type { ExpectedStop } from './host-memory';

/** An action through ArchNest explains a stop seen this long after it. */
const ACTION_WINDOW_MS = 5 * 60_000;
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
  constructor(
    @InjectRepository(AuditEntryEntity) private readonly audit: Repository<AuditEntryEntity>,
  ) {}

  async load(now: number): Promise<ExpectedStop> {
    const entries = await this.audit.find({
      select: ['action', 'target', 'detail'],
      where: {
        at: MoreThanOrEqual(new Date(now - ACTION_WINDOW_MS)),
        action: Like('%.container.%'),
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
