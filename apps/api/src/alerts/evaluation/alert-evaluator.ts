import { randomUUID } from 'node:crypto';
import type { AlertScope, SourceKind } from '@archnest/contracts';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { errorReason } from '../../common/errors/error-reason';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { MetricsStore } from '../../metrics/metrics.store';
import { SamplingLeases } from '../../metrics/sampling-leases';
import { AlertChannelEntity } from '../channels/alert-channel.entity';
import { AlertDeliveryEntity, AlertEventEntity } from '../events/alert-event.entity';
import { AlertRuleEntity } from '../rules/alert-rule.entity';
import { AgentObservations } from './agent-observations';
import { AlertMemoryEntity } from './alert-memory.entity';
import {
  type Averages,
  type AveragesByWindow,
  averageKey,
  type Condition,
  conditionKey,
  conditionsOf,
  type EvaluatedRule,
} from './conditions';
import { ExpectedStops } from './expected-stops';
import { type HostMemory, nextMemory } from './host-memory';
import { HostObservations } from './host-observations';
import type { ObservedContainer, ObservedHost, RoundContainer } from './observations';
import { healthOfStatus, startedBounds } from './status-reading';

/** A collector's row older than this many of its rounds (and the slack) says nothing now. */
const OBSERVATION_ROUNDS = 3;
const OBSERVATION_SLACK_MS = 30_000;
/** Rows of hosts no collector renewed for this long are deleted. */
const OBSERVATION_PRUNE_MS = 86_400_000;
/** Memory rows are written this many per statement. */
const MEMORY_ROWS_PER_STATEMENT = 200;

const memoryKey = (source: string, hostId: string): string => `${source}\n${hostId}`;

/** What one round changes in the database. */
interface RoundChanges {
  fired: Condition[];
  resolved: AlertEventEntity[];
  memories: AlertMemoryEntity[];
}

/** What a round costs, for the benchmark and the debug log. */
export interface RoundFigures {
  hosts: number;
  containers: number;
  rules: number;
  fired: number;
  resolved: number;
  ms: number;
}

/**
 * Evaluates every enabled rule every ARCHNEST_ALERTS_INTERVAL_MS on what the server already
 * has — the collectors' last rounds (HostObservations), the agents' stored reports, the
 * metrics history and the audit log — and never calls a host. A new condition opens an event
 * (firing) and one gone resolves it; each transition writes its deliveries in the same
 * transaction (the outbox AlertSender works). With several replicas only the holder of the
 * `alerts` lease evaluates. What it remembers per host is stored too, so a restart or a
 * takeover neither forgets an open alert nor fires again for a container already down.
 */
@Injectable()
export class AlertEvaluator implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertEvaluator.name);
  private readonly intervalMs: number;
  private memories: Map<string, HostMemory> | null = null;
  private storedMemory = new Map<string, string>();
  private round: Promise<unknown> | null = null;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failing = false;

  constructor(
    @InjectRepository(AlertRuleEntity) private readonly rules: Repository<AlertRuleEntity>,
    @InjectRepository(AlertEventEntity) private readonly events: Repository<AlertEventEntity>,
    @InjectRepository(AlertChannelEntity)
    private readonly channels: Repository<AlertChannelEntity>,
    @InjectRepository(AlertMemoryEntity) private readonly memoryRows: Repository<AlertMemoryEntity>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly observations: HostObservations,
    private readonly agents: AgentObservations,
    private readonly expectedStops: ExpectedStops,
    private readonly metrics: MetricsStore,
    private readonly leases: SamplingLeases,
    @Inject(APP_CONFIG)
    private readonly config: Pick<
      AppConfig,
      'alerts' | 'dockerStatsIntervalMs' | 'sshStatsIntervalMs'
    >,
  ) {
    this.intervalMs = config.alerts.intervalMs;
  }

  get enabled(): boolean {
    return this.intervalMs > 0 && !this.stopped;
  }

  onApplicationBootstrap(): void {
    if (this.enabled) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round?.catch(() => undefined);
  }

  /** One round if this process holds the lease and no round is running. */
  private async tick(): Promise<void> {
    if (this.round || !this.enabled) {
      return;
    }
    this.round = this.leadRound().finally(() => (this.round = null));
    await this.round;
  }

  private async leadRound(): Promise<void> {
    if (!(await this.leases.holds('alerts', 'evaluator', this.intervalMs))) {
      this.memories = null; // another replica evaluates; read its memory when taking over
      return;
    }
    try {
      await this.evaluate(Date.now());
      if (this.failing) {
        this.failing = false;
        this.logger.log('Alert evaluation running again');
      }
    } catch (error) {
      this.memories = null; // read back what was stored, not what failed to be
      if (!this.failing) {
        this.failing = true;
        this.logger.warn(`Alert evaluation failed: ${errorReason(error)}`);
      }
    }
  }

  /** One evaluation of every rule at `now`; public for the benchmark and the tests. */
  async evaluate(now: number): Promise<RoundFigures> {
    const memories = this.memories ?? (await this.loadMemories());
    const [ruleRows, openEvents, hosts, expectedStop] = await Promise.all([
      this.rules.find(),
      this.events.find({ where: { status: 'firing' } }),
      this.observedHosts(now),
      this.expectedStops.load(now),
    ]);
    const rules = ruleRows.filter((rule) => rule.enabled).map(toEvaluatedRule);
    const changedMemories: AlertMemoryEntity[] = [];
    let containers = 0;
    for (const host of hosts) {
      if (host.containers === null) {
        continue;
      }
      containers += host.containers.length;
      const key = memoryKey(host.source, host.hostId);
      const memory = nextMemory(
        memories.get(key),
        { ...host, containers: host.containers },
        now,
        expectedStop,
      );
      memories.set(key, memory);
      const json = JSON.stringify(memory);
      if (this.storedMemory.get(key) !== json) {
        changedMemories.push({
          source: host.source,
          hostId: host.hostId,
          memoryJson: json,
          updatedAt: new Date(now),
        });
      }
    }
    const open = new Map(openEvents.map((event) => [event.openKey ?? '', toOpenCondition(event)]));
    const averages = await this.averagesFor(rules, now);
    const conditions = conditionsOf(rules, hosts, memories, averages, now, open);
    const holding = new Set(conditions.map((condition) => condition.key));
    const fired = dedupe(conditions).filter((condition) => !open.has(condition.key));
    const resolved = openEvents.filter((event) => !holding.has(event.openKey ?? ''));
    await this.write(ruleRows, { fired, resolved, memories: changedMemories }, now);
    this.memories = memories;
    for (const row of changedMemories) {
      this.storedMemory.set(memoryKey(row.source, row.hostId), row.memoryJson);
    }
    return {
      hosts: hosts.length,
      containers,
      rules: rules.length,
      fired: fired.length,
      resolved: resolved.length,
      ms: Date.now() - now,
    };
  }

  private async loadMemories(): Promise<Map<string, HostMemory>> {
    const rows = await this.memoryRows.find();
    this.storedMemory = new Map(
      rows.map((row) => [memoryKey(row.source, row.hostId), row.memoryJson]),
    );
    return new Map(
      rows.map((row) => [
        memoryKey(row.source, row.hostId),
        JSON.parse(row.memoryJson) as HostMemory,
      ]),
    );
  }

  /** Every host of every source, as its collector or its agent last told. */
  private async observedHosts(now: number): Promise<ObservedHost[]> {
    await this.observations.prune(new Date(now - OBSERVATION_PRUNE_MS));
    const [rows, agents] = await Promise.all([this.observations.list(), this.agents.list(now)]);
    const collected = rows.map((row): ObservedHost => {
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
    return [...collected, ...agents];
  }

  /** The averages each cpu-above / memory-above window needs, by window. */
  private async averagesFor(
    rules: readonly EvaluatedRule[],
    now: number,
  ): Promise<AveragesByWindow> {
    const windows = new Set(
      rules
        .filter((rule) => rule.kind === 'cpu-above' || rule.kind === 'memory-above')
        .map((rule) => rule.forSeconds),
    );
    const byWindow = new Map<number, Averages>();
    for (const seconds of windows) {
      const nowSeconds = Math.floor(now / 1_000);
      const rows = await this.metrics.averages(
        nowSeconds - seconds,
        nowSeconds - Math.floor(seconds / 2),
      );
      byWindow.set(
        seconds,
        new Map(rows.map((row) => [averageKey(row.source, row.hostId, row.container), row])),
      );
    }
    return byWindow;
  }

  /** Fires, resolves and remembers in one transaction, with every delivery they make. */
  private async write(
    ruleRows: readonly AlertRuleEntity[],
    { fired, resolved, memories }: RoundChanges,
    now: number,
  ): Promise<void> {
    if (fired.length === 0 && resolved.length === 0 && memories.length === 0) {
      return;
    }
    const rulesById = new Map(ruleRows.map((rule) => [rule.id, rule]));
    const channelIds = new Set(ruleRows.flatMap((rule) => parseIds(rule.channelIds)));
    const channels = new Map(
      (channelIds.size
        ? await this.channels.findBy({ id: In([...channelIds]), enabled: true })
        : []
      ).map((channel) => [channel.id, channel]),
    );
    const at = new Date(now);
    const deliveriesOf = (event: AlertEventEntity, transition: 'firing' | 'resolved') => {
      const rule = event.ruleId ? rulesById.get(event.ruleId) : undefined;
      return (rule ? parseIds(rule.channelIds) : []).flatMap((id): AlertDeliveryEntity[] => {
        const channel = channels.get(id);
        return channel
          ? [
              {
                id: randomUUID(),
                eventId: event.id,
                channelId: id,
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
    };
    const firedEvents = fired.map((condition) => toEvent(condition, at));
    await this.db.transaction(async (manager) => {
      for (const event of resolved) {
        await manager.update(
          AlertEventEntity,
          { id: event.id },
          { status: 'resolved', openKey: null, endsAt: at },
        );
      }
      if (firedEvents.length) {
        await manager.insert(AlertEventEntity, firedEvents);
      }
      const deliveries = [
        ...firedEvents.flatMap((event) => deliveriesOf(event, 'firing')),
        ...resolved.flatMap((event) => deliveriesOf(event, 'resolved')),
      ];
      for (let i = 0; i < deliveries.length; i += 100) {
        await manager.insert(AlertDeliveryEntity, deliveries.slice(i, i + 100));
      }
      for (let i = 0; i < memories.length; i += MEMORY_ROWS_PER_STATEMENT) {
        await manager.upsert(AlertMemoryEntity, memories.slice(i, i + MEMORY_ROWS_PER_STATEMENT), [
          'source',
          'hostId',
        ]);
      }
    });
  }
}

function parseIds(json: string): string[] {
  return JSON.parse(json) as string[];
}

export function toEvaluatedRule(rule: AlertRuleEntity): EvaluatedRule {
  return {
    id: rule.id,
    name: rule.name,
    kind: rule.kind,
    scope: rule.scopeJson ? (JSON.parse(rule.scopeJson) as AlertScope) : null,
    threshold: rule.threshold,
    forSeconds: rule.forSeconds,
  };
}

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

/** An open event as a condition (what keeps it firing while its host tells nothing). */
function toOpenCondition(event: AlertEventEntity): Condition {
  return {
    key:
      event.openKey ??
      conditionKey(event.ruleId ?? '', event.source, event.hostId, event.container),
    rule: {
      id: event.ruleId ?? '',
      name: event.ruleName,
      kind: event.kind,
      scope: null,
      threshold: null,
      forSeconds: 0,
    },
    source: event.source,
    hostId: event.hostId,
    hostName: event.hostName,
    container: event.container,
    message: event.message,
  };
}

function toEvent(condition: Condition, at: Date): AlertEventEntity {
  return {
    id: randomUUID(),
    openKey: condition.key,
    status: 'firing',
    ruleId: condition.rule.id,
    ruleName: condition.rule.name,
    kind: condition.rule.kind,
    source: condition.source,
    hostId: condition.hostId,
    hostName: condition.hostName,
    container: condition.container,
    message: condition.message.slice(0, 1_024),
    startsAt: at,
    endsAt: null,
  };
}

function dedupe(conditions: readonly Condition[]): Condition[] {
  return [...new Map(conditions.map((condition) => [condition.key, condition])).values()];
}
