import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, Repository } from 'typeorm';
import { errorReason } from '../../common/errors/error-reason';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SamplingLeases } from '../../metrics/sampling-leases';
import { AlertChannelEntity } from '../channels/alert-channel.entity';
import { AlertChannelsService } from '../channels/alert-channels.service';
import { deliver, DeliveryError, MAX_RESPONSE } from '../channels/channel-delivery';
import { AlertDeliveryEntity, AlertEventEntity } from '../events/alert-event.entity';
import { toNotification } from '../events/alert-events.service';

/** The outbox is looked at this often. */
const TICK_MS = 1_000;
/** Deliveries being sent at once, each on its own (a slow receiver holds only its own). */
const MAX_IN_FLIGHT = 16;
/**
 * A delivery taken for sending is not due again for this long, so no other sender takes it
 * meanwhile: longer than the slowest send (SMTP: connection, greeting and socket timeouts).
 */
const CLAIM_MS = 60_000;
/** Retries are never further apart than this. */
const MAX_BACKOFF_MS = 600_000;

type Outcome = Pick<
  AlertDeliveryEntity,
  'state' | 'tries' | 'lastError' | 'nextAttemptAt' | 'sentAt'
>;

/**
 * Sends what the evaluator put in the outbox (alert_deliveries), apart from evaluation, ingest,
 * collectors and requests. Each delivery is claimed before it is sent (its next attempt moved
 * past the longest send), so two senders never send it both; a failed one is tried again with
 * exponential backoff until ARCHNEST_ALERTS_MAX_TRIES. A resolved notification waits for its
 * firing one to the same channel. One process sends at a time (the `alerts` sender lease).
 */
@Injectable()
export class AlertSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertSender.name);
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private picking = false;
  private stopped = false;

  constructor(
    @InjectRepository(AlertDeliveryEntity)
    private readonly deliveries: Repository<AlertDeliveryEntity>,
    @InjectRepository(AlertEventEntity) private readonly events: Repository<AlertEventEntity>,
    @InjectRepository(AlertChannelEntity)
    private readonly channels: Repository<AlertChannelEntity>,
    private readonly channelService: AlertChannelsService,
    private readonly leases: SamplingLeases,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'alerts'>,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.alerts.intervalMs > 0) {
      this.timer = setInterval(() => void this.tick(), TICK_MS);
      this.timer.unref();
    }
  }

  /** Lets the sends in flight finish, then hands the lease over. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all(this.inFlight.values());
    await this.leases.release('alerts', 'sender');
  }

  private async tick(): Promise<void> {
    if (this.picking || this.stopped || this.inFlight.size >= MAX_IN_FLIGHT) {
      return;
    }
    this.picking = true;
    try {
      await this.sendDue();
    } catch (error) {
      this.logger.warn(`Alert deliveries waiting: ${errorReason(error)}`);
    } finally {
      this.picking = false;
    }
  }

  /** Starts sending what is due, as far as there is room; public for the tests. */
  async sendDue(now = new Date()): Promise<void> {
    if (!(await this.leases.holds('alerts', 'sender', TICK_MS, { failOpen: false }))) {
      return;
    }
    const due = await this.deliveries.find({
      where: { state: 'pending', nextAttemptAt: LessThanOrEqual(now) },
      order: { createdAt: 'ASC' },
      take: MAX_IN_FLIGHT,
    });
    const ready = await this.inOrder(due.filter((delivery) => !this.inFlight.has(delivery.id)));
    if (ready.length === 0) {
      return;
    }
    const [events, channels] = await Promise.all([
      this.events.findBy({ id: In([...new Set(ready.map((delivery) => delivery.eventId))]) }),
      this.channels.findBy({ id: In([...new Set(ready.map((delivery) => delivery.channelId))]) }),
    ]);
    for (const delivery of ready.slice(0, MAX_IN_FLIGHT - this.inFlight.size)) {
      if (await this.claim(delivery, now)) {
        const event = events.find((candidate) => candidate.id === delivery.eventId);
        const channel = channels.find((candidate) => candidate.id === delivery.channelId);
        const send = this.send(delivery, event, channel)
          .catch((error: unknown) => this.logger.warn(`Alert delivery: ${errorReason(error)}`))
          .finally(() => this.inFlight.delete(delivery.id));
        this.inFlight.set(delivery.id, send);
      }
    }
  }

  /** Leaves out resolved notifications whose firing one to that channel is not done yet. */
  private async inOrder(due: AlertDeliveryEntity[]): Promise<AlertDeliveryEntity[]> {
    const resolved = due.filter((delivery) => delivery.transition === 'resolved');
    if (resolved.length === 0) {
      return due;
    }
    const firing = await this.deliveries.findBy({
      eventId: In(resolved.map((delivery) => delivery.eventId)),
      transition: 'firing',
      state: 'pending',
    });
    const waiting = new Set(firing.map((delivery) => `${delivery.eventId}\n${delivery.channelId}`));
    return due.filter(
      (delivery) =>
        delivery.transition === 'firing' ||
        !waiting.has(`${delivery.eventId}\n${delivery.channelId}`),
    );
  }

  /** Takes a due delivery for this sender; false when another one took it first. */
  private async claim(delivery: AlertDeliveryEntity, now: Date): Promise<boolean> {
    const result = await this.deliveries.update(
      { id: delivery.id, state: 'pending', nextAttemptAt: LessThanOrEqual(now) },
      { nextAttemptAt: new Date(now.getTime() + CLAIM_MS) },
    );
    return result.affected !== 0;
  }

  private async send(
    delivery: AlertDeliveryEntity,
    event: AlertEventEntity | undefined,
    channel: AlertChannelEntity | undefined,
  ): Promise<void> {
    if (!event || !channel) {
      await this.record(delivery, this.failed(delivery, 'the channel or the event was deleted'));
      return;
    }
    if (!channel.enabled) {
      await this.record(delivery, this.failed(delivery, 'the channel is disabled'));
      return;
    }
    // The notification tells the transition this delivery was made for, whatever came since.
    const notification = {
      ...toNotification(event),
      status: delivery.transition,
      endsAt: delivery.transition === 'firing' ? null : (event.endsAt?.toISOString() ?? null),
    };
    try {
      await deliver(this.channelService.open(channel), notification);
      await this.record(delivery, {
        state: 'sent',
        tries: delivery.tries + 1,
        sentAt: new Date(),
        lastError: null,
        nextAttemptAt: null,
      });
    } catch (error) {
      const reason = error instanceof DeliveryError ? error.message : errorReason(error);
      await this.record(delivery, this.retried(delivery, reason.slice(0, MAX_RESPONSE)));
    }
  }

  private retried(delivery: AlertDeliveryEntity, reason: string): Outcome {
    const { retryBaseMs, maxTries } = this.config.alerts;
    const tries = delivery.tries + 1;
    if (tries >= maxTries) {
      return { ...this.failed(delivery, reason), tries };
    }
    const wait = Math.min(retryBaseMs * 2 ** (tries - 1), MAX_BACKOFF_MS);
    return {
      state: 'pending',
      tries,
      lastError: reason,
      nextAttemptAt: new Date(Date.now() + wait),
      sentAt: null,
    };
  }

  private failed(delivery: AlertDeliveryEntity, reason: string): Outcome {
    return {
      state: 'failed',
      tries: delivery.tries,
      lastError: reason,
      nextAttemptAt: null,
      sentAt: null,
    };
  }

  private async record(delivery: AlertDeliveryEntity, outcome: Outcome): Promise<void> {
    await this.deliveries.update({ id: delivery.id }, outcome);
  }
}
