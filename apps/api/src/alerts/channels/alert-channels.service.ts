import type { AlertNotification, ChannelType } from '@archnest/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Like, Repository } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import { CryptoService } from '../../common/crypto/crypto.service';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { AlertDeliveryEntity } from '../events/alert-event.entity';
import { channelIdsOf } from '../events/alert-outbox';
import { AlertRuleEntity } from '../rules/alert-rule.entity';
import { AlertChannelEntity, type EmailSettings } from './alert-channel.entity';
import type {
  AlertChannelResponse,
  ChannelTestResponse,
  CreateAlertChannelDto,
  UpdateAlertChannelDto,
} from './alert-channel.dto';
import { deliver, DeliveryError, type OpenChannel } from './channel-delivery';

const bad = (message: string): AppError => new AppError(ErrorCode.BadRequest, message);

/** The URL schemes each type may use. */
function checkUrl(type: ChannelType, url: string): void {
  const email = type === 'email';
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  const schemes = email ? ['smtp:', 'smtps:'] : ['http:', 'https:'];
  if (!parsed || !schemes.includes(parsed.protocol) || !parsed.hostname) {
    throw bad(email ? 'url must be an smtp:// or smtps:// URL' : 'url must be an http(s) URL');
  }
  if (parsed.username || parsed.password) {
    throw bad(
      email
        ? 'url must not hold credentials: give email.username and email.password'
        : 'url must not hold credentials',
    );
  }
}

/** Alert channels: admins only; secrets and passwords are sealed and never leave the server. */
@Injectable()
export class AlertChannelsService {
  constructor(
    @InjectRepository(AlertChannelEntity)
    private readonly channels: Repository<AlertChannelEntity>,
    @InjectRepository(AlertRuleEntity) private readonly rules: Repository<AlertRuleEntity>,
    @InjectRepository(AlertDeliveryEntity)
    private readonly deliveries: Repository<AlertDeliveryEntity>,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<AlertChannelResponse[]> {
    const channels = await this.channels.find({ order: { createdAt: 'ASC' } });
    return channels.map(toChannelResponse);
  }

  async create(actor: AuthUser, dto: CreateAlertChannelDto): Promise<AlertChannelResponse> {
    const now = new Date();
    const channel = this.settle(
      {
        id: randomUUID(),
        name: dto.name,
        type: dto.type,
        url: dto.url,
        secretSealed: null,
        emailJson: null,
        passwordSealed: null,
        enabled: dto.enabled ?? true,
        createdAt: now,
        updatedAt: now,
      },
      dto,
    );
    await this.audited(actor, 'create', channel, () => this.channels.insert(channel));
    return toChannelResponse(channel);
  }

  async update(
    actor: AuthUser,
    id: string,
    dto: UpdateAlertChannelDto,
  ): Promise<AlertChannelResponse> {
    const known = await this.find(id);
    const channel = this.settle(
      {
        ...known,
        name: dto.name ?? known.name,
        type: dto.type ?? known.type,
        url: dto.url ?? known.url,
        enabled: dto.enabled ?? known.enabled,
        updatedAt: new Date(),
      },
      dto,
      known.url,
    );
    await this.audited(actor, 'update', channel, () => this.channels.save(channel));
    return toChannelResponse(channel);
  }

  async remove(actor: AuthUser, id: string): Promise<void> {
    const channel = await this.find(id);
    await this.audited(actor, 'delete', channel, async () => {
      await this.channels.delete({ id });
      // What it was sent stays in the history (by channel name); what was still due goes.
      await this.deliveries.delete({ channelId: id, state: 'pending' });
      for (const rule of await this.rules.find({ where: { channelIds: Like(`%${id}%`) } })) {
        const kept = channelIdsOf(rule).filter((channelId) => channelId !== id);
        await this.rules.update({ id: rule.id }, { channelIds: JSON.stringify(kept) });
      }
    });
  }

  /** Sends a test notification now and reports what the receiver answered. */
  async test(actor: AuthUser, id: string): Promise<ChannelTestResponse> {
    const channel = await this.find(id);
    const now = new Date().toISOString();
    const notification: AlertNotification = {
      status: 'firing',
      rule: 'Test notification',
      kind: 'host-offline',
      source: 'docker-tcp',
      hostId: 'test',
      host: 'test',
      container: null,
      message: `A test notification from ArchNest to the channel "${channel.name}"`,
      startsAt: now,
      endsAt: null,
      eventId: randomUUID(),
    };
    const result = await deliver(this.open(channel), notification).then(
      (answer): ChannelTestResponse => ({ ok: true, ...answer }),
      (error: unknown): ChannelTestResponse =>
        error instanceof DeliveryError
          ? { ok: false, status: error.answer.status, response: error.message }
          : { ok: false, status: null, response: 'the notification could not be sent' },
    );
    await this.audit.record({
      actor: actor.username,
      action: 'alerts.channel.test',
      target: `alert-channel:${channel.name}`,
      result: result.ok ? 'success' : 'failure',
      detail: `id=${channel.id} status=${result.status ?? 'none'}`,
    });
    return result;
  }

  /** The channel with its secrets opened, for sending. */
  open(channel: AlertChannelEntity): OpenChannel {
    const email = channel.emailJson ? (JSON.parse(channel.emailJson) as EmailSettings) : null;
    return {
      type: channel.type,
      url: channel.url,
      secret: channel.secretSealed ? this.crypto.open(channel.secretSealed) : null,
      email: email && {
        ...email,
        password: channel.passwordSealed ? this.crypto.open(channel.passwordSealed) : null,
      },
    };
  }

  private async find(id: string): Promise<AlertChannelEntity> {
    const channel = await this.channels.findOneBy({ id });
    if (!channel) {
      throw new AppError(ErrorCode.NotFound, 'No alert channel with this id');
    }
    return channel;
  }

  /** Applies the write-only fields and checks the channel as a whole. */
  private settle(
    channel: AlertChannelEntity,
    dto: Pick<UpdateAlertChannelDto, 'secret' | 'email'>,
    previousUrl?: string,
  ): AlertChannelEntity {
    checkUrl(channel.type, channel.url);
    const settled = { ...channel };
    // A stored password is never sent to another server than the one it was given for.
    if (previousUrl && new URL(previousUrl).host !== new URL(channel.url).host) {
      settled.passwordSealed = null;
    }
    if (settled.type !== 'webhook') {
      if (typeof dto.secret === 'string') {
        throw bad('secret is only for webhook channels');
      }
      settled.secretSealed = null;
    } else if (dto.secret !== undefined) {
      settled.secretSealed = dto.secret === null ? null : this.crypto.seal(dto.secret);
    }
    if (dto.email) {
      const { from, to, username, password } = dto.email;
      const known = channel.emailJson ? (JSON.parse(channel.emailJson) as EmailSettings) : null;
      const kept: EmailSettings = {
        from,
        to,
        username: username === undefined ? (known?.username ?? null) : username,
      };
      settled.emailJson = JSON.stringify(kept);
      if (password !== undefined) {
        settled.passwordSealed = password === null ? null : this.crypto.seal(password);
      }
    }
    if (settled.type === 'email' && settled.emailJson === null) {
      throw bad('email is required for an email channel (from, to)');
    }
    if (settled.type !== 'email') {
      if (dto.email) {
        throw bad('email is only for email channels');
      }
      settled.emailJson = null;
      settled.passwordSealed = null;
    }
    return settled;
  }

  private audited(
    actor: AuthUser,
    verb: 'create' | 'update' | 'delete',
    channel: AlertChannelEntity,
    work: () => Promise<unknown>,
  ): Promise<unknown> {
    return this.audit.recordOutcome(
      {
        actor: actor.username,
        action: `alerts.channel.${verb}`,
        target: `alert-channel:${channel.name}`,
        context: `id=${channel.id} type=${channel.type}`,
      },
      work,
    );
  }
}

export function toChannelResponse(channel: AlertChannelEntity): AlertChannelResponse {
  const email = channel.emailJson ? (JSON.parse(channel.emailJson) as EmailSettings) : null;
  return {
    id: channel.id,
    name: channel.name,
    type: channel.type,
    url: channel.url,
    hasSecret: channel.secretSealed !== null,
    email: email && { ...email, hasPassword: channel.passwordSealed !== null },
    enabled: channel.enabled,
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}
