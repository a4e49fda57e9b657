import { randomUUID } from 'node:crypto';
import type { AlertScope } from '@archnest/contracts';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { errorReason } from '../../common/errors/error-reason';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SamplingLeases } from '../../metrics/sampling-leases';
import { AlertEventEntity } from '../events/alert-event.entity';
import { AlertOutbox } from '../events/alert-outbox';
import { AlertRuleEntity } from '../rules/alert-rule.entity';
import { AgentObservations } from './agent-observations';
import { AlertMemoryEntity } from './alert-memory.entity';
import {
  type Condition,
  conditionKey,
  conditionsOf,
  type EvaluatedRule,
  hostKey,
  OpenAlerts,
} from './conditions';
import { ExpectedStops } from './expected-stops';
import { WindowAverages } from './window-averages';
import { type ExpectedStop, type HostMemory, nextMemory } from './host-memory';
import { HostObservations } from './host-observations';
import type { ObservedContainer, ObservedHost } from './observations';

/** Rows of hosts no collector renewed for this long are deleted. */
const OBSERVATION_PRUNE_MS = 86_400_000;
/** How often they are looked for. */
const PRUNE_EVERY_MS = 600_000;
/** Resolved events are kept this long. */
const EVENTS_KEPT_MS = 90 * 86_400_000;

/** Hosts whose memory is worked out between two yields to requests waiting on the event loop. */
const HOSTS_PER_SLICE = 100;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
  /** The containers each host showed last round (see `unchanged`). */
  private readonly lastContainers = new Map<string, readonly ObservedContainer[]>();
  private round: Promise<unknown> | null = null;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failing = false;
  private prunedAt = 0;

  constructor(
    @InjectRepository(AlertRuleEntity) private readonly rules: Repository<AlertRuleEntity>,
    @InjectRepository(AlertEventEntity) private readonly events: Repository<AlertEventEntity>,
    @InjectRepository(AlertMemoryEntity) private readonly memoryRows: Repository<AlertMemoryEntity>,
    private readonly outbox: AlertOutbox,
    @InjectDataSource() private readonly db: DataSource,
    private readonly observations: HostObservations,
    private readonly agents: AgentObservations,
    private readonly expectedStops: ExpectedStops,
    private readonly windowAverages: WindowAverages,
    private readonly leases: SamplingLeases,
    @Inject(APP_CONFIG)
    private readonly config: Pick<AppConfig, 'alerts'>,
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
    await this.leases.release('alerts', 'evaluator'); // only once the round has been written
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
    const holds = await this.leases.holds('alerts', 'evaluator', this.intervalMs, {
      failOpen: false,
    });
    if (!holds) {
      this.memories = null; // another replica evaluates; read its memory when taking over
      return;
    }
    try {
      const round = await this.evaluate(Date.now());
      this.logger.debug(
        `Alert round: ${round.hosts} hosts, ${round.containers} containers, ${round.rules} rules, ` +
          `${round.fired} fired, ${round.resolved} resolved, ${round.ms} ms`,
      );
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
    await this.prune(now);
    const [ruleRows, openEvents, hosts, expectedStop] = await Promise.all([
      this.rules.find(),
      this.events.find({ where: { status: 'firing' } }),
      this.observedHosts(now),
      this.expectedStops.load(now),
    ]);
    const rules = ruleRows.filter((rule) => rule.enabled).map(toEvaluatedRule);
    const { changed, containers } = await this.remember(hosts, memories, now, expectedStop);
    const open = new OpenAlerts(openEvents.map(toOpenCondition));
    const averages = await this.windowAverages.of(rules, now);
    const conditions: Condition[] = [];
    for (let i = 0; i < hosts.length; i += HOSTS_PER_SLICE) {
      const slice = hosts.slice(i, i + HOSTS_PER_SLICE);
      conditions.push(...conditionsOf(rules, slice, memories, averages, now, open));
      await nextTurn();
    }
    const holding = new Set(conditions.map((condition) => condition.key));
    const at = new Date(now);
    const written = await this.outbox.write(
      {
        fired: dedupe(conditions)
          .filter((condition) => !open.has(condition.key))
          .map((condition) => toEvent(condition, at)),
        resolved: openEvents.filter((event) => !holding.has(event.openKey ?? '')),
        memories: changed,
      },
      ruleRows,
      at,
    );
    this.memories = memories;
    for (const row of changed) {
      this.storedMemory.set(hostKey(row.source, row.hostId), row.memoryJson);
    }
    return {
      hosts: hosts.length,
      containers,
      rules: rules.length,
      ...written,
      ms: Date.now() - now,
    };
  }

  /** Moves each host's memory on by this round; returns the rows to store. */
  private async remember(
    hosts: readonly ObservedHost[],
    memories: Map<string, HostMemory>,
    now: number,
    expectedStop: ExpectedStop,
  ): Promise<{ changed: AlertMemoryEntity[]; containers: number }> {
    const changed: AlertMemoryEntity[] = [];
    let containers = 0;
    for (const [index, host] of hosts.entries()) {
      if (index % HOSTS_PER_SLICE === HOSTS_PER_SLICE - 1) {
        await nextTurn();
      }
      if (host.containers === null) {
        continue;
      }
      containers += host.containers.length;
      const key = hostKey(host.source, host.hostId);
      const previous = memories.get(key);
      if (previous && this.unchanged(key, host.containers, previous)) {
        continue;
      }
      const memory = nextMemory(
        previous,
        { ...host, containers: host.containers },
        now,
        expectedStop,
      );
      memories.set(key, memory);
      const json = JSON.stringify(memory);
      if (this.storedMemory.get(key) !== json) {
        changed.push({
          source: host.source,
          hostId: host.hostId,
          memoryJson: json,
          updatedAt: new Date(now),
        });
      }
    }
    return { changed, containers };
  }

  /** Collector rows of hosts gone for a day, resolved events older than 90 days. */
  private async prune(now: number): Promise<void> {
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await this.observations.prune(new Date(now - OBSERVATION_PRUNE_MS));
      await this.outbox.prune(new Date(now - EVENTS_KEPT_MS));
    }
  }

  /**
   * Whether a host shows the very containers of its last round (an agent's stored inventory is
   * parsed once and handed out again while it holds): then its memory cannot change, unless a
   * stop waits to be confirmed against the audit log.
   */
  private unchanged(
    key: string,
    containers: readonly ObservedContainer[],
    previous: HostMemory,
  ): boolean {
    const same = this.lastContainers.get(key) === containers;
    this.lastContainers.set(key, containers);
    return same && Object.values(previous.stopped).every((stopped) => stopped.confirmed);
  }

  /** Every host of every source, as its collector or its agent last told. */
  private async observedHosts(now: number): Promise<ObservedHost[]> {
    const [collected, agents] = await Promise.all([
      this.observations.observe(now),
      this.agents.list(now),
    ]);
    return [...collected, ...agents];
  }

  private async loadMemories(): Promise<Map<string, HostMemory>> {
    this.lastContainers.clear();
    const rows = await this.memoryRows.find();
    this.storedMemory = new Map(
      rows.map((row) => [hostKey(row.source, row.hostId), row.memoryJson]),
    );
    return new Map(
      rows.map((row) => [
        hostKey(row.source, row.hostId),
        JSON.parse(row.memoryJson) as HostMemory,
      ]),
    );
  }
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
