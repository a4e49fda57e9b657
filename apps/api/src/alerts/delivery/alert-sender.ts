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
/** Deliveries taken per tick, all sent at once. */
const BATCH = 16;
/** Retries are never further apart than this. */
const MAX_BACKOFF_MS = 600_000;

/**
 * Sends what the evaluator put in the outbox (alert_deliveries), apart from evaluation, ingest,
 * collectors and requests: a channel that is down only delays its own deliveries, which are
 * tried again with exponential backoff until ARCHNEST_ALERTS_MAX_TRIES. One process sends at a
 * time (the `alerts` sender lease), and a delivery is marked sent with the receiver's answer.
 */
@Injectable()
export class AlertSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertSender.name);
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> | null = null;
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

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.sending;
  }

  private async tick(): Promise<void> {
    if (this.sending || this.stopped) {
      return;
    }
    this.sending = this.sendDue()
      .catch((error: unknown) =>
        this.logger.warn(`Alert deliveries waiting: ${errorReason(error)}`),
      )
      .finally(() => (this.sending = null));
    await this.sending;
  }

  /** Sends every delivery that is due, up to a batch; public for the tests. */
  async sendDue(now = new Date()): Promise<void> {
    if (!(await this.leases.holds('alerts', 'sender', TICK_MS))) {
      return;
    }
    const due = await this.deliveries.find({
      where: { state: 'pending', nextAttemptAt: LessThanOrEqual(now) },
      order: { createdAt: 'ASC' },
      take: BATCH,
    });
    if (due.length === 0) {
      return;
    }
    const [events, channels] = await Promise.all([
      this.events.findBy({ id: In([...new Set(due.map((delivery) => delivery.eventId))]) }),
      this.channels.findBy({ id: In([...new Set(due.map((delivery) => delivery.channelId))]) }),
    ]);
    const eventsById = new Map(events.map((event) => [event.id, event]));
    const channelsById = new Map(channels.map((channel) => [channel.id, channel]));
    await Promise.all(
      due.map((delivery) =>
        this.send(delivery, eventsById.get(delivery.eventId), channelsById.get(delivery.channelId)),
      ),
    );
  }

  private async send(
    delivery: AlertDeliveryEntity,
    event: AlertEventEntity | undefined,
    channel: AlertChannelEntity | undefined,
  ): Promise<void> {
    if (!event || !channel) {
      return; // deleted meanwhile (the delivery goes with it)
    }
    const tries = delivery.tries + 1;
    // The notification tells the transition this delivery was made for, whatever came since.
    const notification = {
      ...toNotification(event),
      status: delivery.transition,
      endsAt: delivery.transition === 'firing' ? null : (event.endsAt?.toISOString() ?? null),
    };
    try {
      await deliver(this.channelService.open(channel), notification);
      await this.deliveries.update(
        { id: delivery.id },
        { state: 'sent', tries, sentAt: new Date(), lastError: null, nextAttemptAt: null },
      );
    } catch (error) {
      const reason = (error instanceof DeliveryError ? error.message : errorReason(error)).slice(
        0,
        MAX_RESPONSE,
      );
      const { retryBaseMs, maxTries } = this.config.alerts;
      const gaveUp = tries >= maxTries;
      const wait = Math.min(retryBaseMs * 2 ** (tries - 1), MAX_BACKOFF_MS);
      await this.deliveries.update(
        { id: delivery.id },
        {
          state: gaveUp ? 'failed' : 'pending',
          tries,
          lastError: reason,
          nextAttemptAt: gaveUp ? null : new Date(Date.now() + wait),
        },
      );
    }
  }
}
