import { randomUUID } from 'node:crypto';
import type { AlertStatus } from '@archnest/contracts';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, LessThan } from 'typeorm';
import { AlertChannelEntity } from '../channels/alert-channel.entity';
import { AlertMemoryEntity } from '../evaluation/alert-memory.entity';
import { AlertRuleEntity } from '../rules/alert-rule.entity';
import { AlertDeliveryEntity, AlertEventEntity } from './alert-event.entity';

/** Rows per INSERT, well under both databases' parameter limits. */
const ROWS_PER_STATEMENT = 50;

/** What one evaluation round changes. */
export interface RoundWrites {
  fired: AlertEventEntity[];
  resolved: AlertEventEntity[];
  memories: AlertMemoryEntity[];
}

function chunks<T>(rows: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    result.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  }
  return result;
}

/**
 * Writes a round's events with their deliveries in one transaction (the outbox AlertSender
 * works), so a notification exists exactly when its transition does. Nothing in it can fail
 * on a constraint — an event already open is skipped, a resolve applies only to an event still
 * firing — because on SQLite the transaction also holds whatever else the one connection does
 * meanwhile (ingest, audit), which a rollback would take with it.
 */
@Injectable()
export class AlertOutbox {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Returns how many events it opened and resolved (a replica may have done some first). */
  async write(
    { fired, resolved, memories }: RoundWrites,
    rules: readonly AlertRuleEntity[],
    at: Date,
  ): Promise<{ fired: number; resolved: number }> {
    if (fired.length === 0 && resolved.length === 0 && memories.length === 0) {
      return { fired: 0, resolved: 0 };
    }
    const channels = await this.enabledChannels(rules);
    return this.db.transaction(async (manager) => {
      const resolvedNow = await this.resolve(manager, resolved, at);
      const firedNow = await this.open(manager, fired);
      const deliveries = [
        ...firedNow.flatMap((event) => deliveriesOf(event, 'firing', rules, channels, at)),
        ...resolvedNow.flatMap((event) => deliveriesOf(event, 'resolved', rules, channels, at)),
      ];
      for (const rows of chunks(deliveries)) {
        await manager.insert(AlertDeliveryEntity, rows);
      }
      for (const rows of chunks(memories)) {
        await manager.upsert(AlertMemoryEntity, rows, ['source', 'hostId']);
      }
      return { fired: firedNow.length, resolved: resolvedNow.length };
    });
  }

  /** Deletes resolved events (and their deliveries) that ended before `before`. */
  async prune(before: Date): Promise<void> {
    const old = await this.db.getRepository(AlertEventEntity).find({
      select: ['id'],
      where: { status: 'resolved', endsAt: LessThan(before) },
      take: 5_000,
    });
    for (const rows of chunks(old.map((event) => event.id))) {
      await this.db.getRepository(AlertDeliveryEntity).delete({ eventId: In(rows) });
      await this.db.getRepository(AlertEventEntity).delete({ id: In(rows) });
    }
  }

  private async enabledChannels(
    rules: readonly AlertRuleEntity[],
  ): Promise<Map<string, AlertChannelEntity>> {
    const ids = [...new Set(rules.flatMap((rule) => channelIdsOf(rule)))];
    const found = ids.length
      ? await this.db.getRepository(AlertChannelEntity).findBy({ id: In(ids), enabled: true })
      : [];
    return new Map(found.map((channel) => [channel.id, channel]));
  }

  /** Each event still firing is resolved; the others were resolved by someone else. */
  private async resolve(
    manager: EntityManager,
    events: readonly AlertEventEntity[],
    at: Date,
  ): Promise<AlertEventEntity[]> {
    const done: AlertEventEntity[] = [];
    for (const event of events) {
      const result = await manager.update(
        AlertEventEntity,
        { id: event.id, status: 'firing' },
        { status: 'resolved', openKey: null, endsAt: at },
      );
      if (result.affected !== 0) {
        done.push({ ...event, status: 'resolved', openKey: null, endsAt: at });
      }
    }
    return done;
  }

  /** Inserts the events whose key is not open yet; returns those it inserted. */
  private async open(
    manager: EntityManager,
    events: readonly AlertEventEntity[],
  ): Promise<AlertEventEntity[]> {
    for (const rows of chunks(events)) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(AlertEventEntity)
        .values(rows)
        .orIgnore()
        .execute();
    }
    if (events.length === 0) {
      return [];
    }
    const inserted = new Set<string>();
    for (const rows of chunks(events.map((event) => event.id))) {
      const found = await manager.find(AlertEventEntity, {
        select: ['id'],
        where: { id: In(rows) },
      });
      found.forEach((event) => inserted.add(event.id));
    }
    return events.filter((event) => inserted.has(event.id));
  }
}

export function channelIdsOf(rule: Pick<AlertRuleEntity, 'channelIds'>): string[] {
  return JSON.parse(rule.channelIds) as string[];
}

function deliveriesOf(
  event: AlertEventEntity,
  transition: AlertStatus,
  rules: readonly AlertRuleEntity[],
  channels: ReadonlyMap<string, AlertChannelEntity>,
  at: Date,
): AlertDeliveryEntity[] {
  const rule = rules.find((candidate) => candidate.id === event.ruleId);
  return (rule ? channelIdsOf(rule) : []).flatMap((channelId): AlertDeliveryEntity[] => {
    const channel = channels.get(channelId);
    return channel
      ? [
          {
            id: randomUUID(),
            eventId: event.id,
            channelId,
            channelName: channel.name,
            transition,
            state: 'pending',
            tries: 0,
            lastError: null,
            createdAt: at,
            nextAttemptAt: at,
            sentAt: null,
          },
        ]
      : [];
  });
}
