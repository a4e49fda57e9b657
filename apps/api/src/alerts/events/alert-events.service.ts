import type { AlertNotification } from '@archnest/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AlertDeliveryEntity, AlertEventEntity } from './alert-event.entity';
import type {
  AlertDeliveryResponse,
  AlertEventPageResponse,
  AlertEventResponse,
  AlertEventsQueryDto,
} from './alert-events.dto';

/** The event list (members and admins), newest first, with each delivery's outcome. */
@Injectable()
export class AlertEventsService {
  constructor(
    @InjectRepository(AlertEventEntity) private readonly events: Repository<AlertEventEntity>,
    @InjectRepository(AlertDeliveryEntity)
    private readonly deliveries: Repository<AlertDeliveryEntity>,
  ) {}

  async page({ status, page, pageSize }: AlertEventsQueryDto): Promise<AlertEventPageResponse> {
    const [[events, total], firing] = await Promise.all([
      this.events.findAndCount({
        where: status ? { status } : {},
        order: { startsAt: 'DESC', id: 'DESC' },
        skip: (page - 1) * pageSize,
        take: pageSize,
      }),
      this.events.countBy({ status: 'firing' }),
    ]);
    const deliveries = events.length
      ? await this.deliveries.find({
          where: { eventId: In(events.map((event) => event.id)) },
          order: { createdAt: 'ASC' },
        })
      : [];
    return {
      items: events.map((event) =>
        toEventResponse(
          event,
          deliveries.filter((delivery) => delivery.eventId === event.id),
        ),
      ),
      total,
      page,
      pageSize,
      firing,
    };
  }
}

function toDeliveryResponse(delivery: AlertDeliveryEntity): AlertDeliveryResponse {
  return {
    channelId: delivery.channelId,
    channelName: delivery.channelName,
    transition: delivery.transition,
    state: delivery.state,
    tries: delivery.tries,
    lastError: delivery.lastError,
    sentAt: delivery.sentAt?.toISOString() ?? null,
    nextAttemptAt:
      delivery.state === 'pending' ? (delivery.nextAttemptAt?.toISOString() ?? null) : null,
  };
}

export function toEventResponse(
  event: AlertEventEntity,
  deliveries: readonly AlertDeliveryEntity[],
): AlertEventResponse {
  const { eventId: id, ...notification } = toNotification(event);
  return {
    ...notification,
    id,
    ruleId: event.ruleId,
    deliveries: deliveries.map(toDeliveryResponse),
  };
}

/** What every channel is told of an event: the webhook body. */
export function toNotification(event: AlertEventEntity): AlertNotification {
  return {
    status: event.status,
    rule: event.ruleName,
    kind: event.kind,
    source: event.source,
    hostId: event.hostId,
    host: event.hostName,
    container: event.container,
    message: event.message,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt?.toISOString() ?? null,
    eventId: event.id,
  };
}
