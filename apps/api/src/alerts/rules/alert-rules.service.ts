import { type AlertKind, THRESHOLD_KINDS } from '@archnest/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { In, Repository } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { RECENT_MAX_SECONDS } from '../../metrics/recent-figures';
import { AlertChannelEntity } from '../channels/alert-channel.entity';
import { AlertEventEntity } from '../events/alert-event.entity';
import { AlertRuleEntity } from './alert-rule.entity';
import {
  type AlertRuleResponse,
  type CreateAlertRuleDto,
  toAlertRuleResponse,
  type UpdateAlertRuleDto,
} from './alert-rule.dto';

/** forSeconds when a rule gives none: windows for the kinds that average or count. */
const DEFAULT_FOR_SECONDS: Record<AlertKind, number> = {
  'container-stopped': 0,
  'container-unhealthy': 0,
  'restart-loop': 300,
  'host-offline': 0,
  'cpu-above': 300,
  'memory-above': 300,
};

const bad = (message: string): AppError => new AppError(ErrorCode.BadRequest, message);

/** Rule fields once defaults apply, checked across fields (the DTO checks each alone). */
function settled(
  kind: AlertKind,
  threshold: number | null | undefined,
  forSeconds: number | undefined,
): { threshold: number | null; forSeconds: number } {
  const takesThreshold = THRESHOLD_KINDS.includes(kind);
  if (!takesThreshold && threshold !== undefined && threshold !== null) {
    throw bad(`threshold is only for ${THRESHOLD_KINDS.join(', ')} rules`);
  }
  const seconds = forSeconds ?? DEFAULT_FOR_SECONDS[kind];
  if (kind === 'restart-loop') {
    const restarts = threshold ?? 3;
    if (!Number.isInteger(restarts) || restarts < 1) {
      throw bad('threshold must be a whole number of restarts (1 or more) for restart-loop');
    }
    if (seconds < 1) {
      throw bad(
        'forSeconds must be at least 1 for restart-loop (the window restarts are counted in)',
      );
    }
    return { threshold: restarts, forSeconds: seconds };
  }
  if (kind === 'cpu-above' || kind === 'memory-above') {
    if (threshold === undefined || threshold === null) {
      throw bad(`threshold is required for ${kind} (a percent)`);
    }
    if (kind === 'memory-above' && threshold > 100) {
      throw bad('threshold must be a percent from 0 to 100 for memory-above');
    }
    if (seconds < 1 || seconds > RECENT_MAX_SECONDS) {
      throw bad(
        `forSeconds must be from 1 to ${RECENT_MAX_SECONDS} for ${kind} (the window averaged)`,
      );
    }
    return { threshold, forSeconds: seconds };
  }
  return { threshold: null, forSeconds: seconds };
}

/** Alert rules: admins write (audited), members read. */
@Injectable()
export class AlertRulesService {
  constructor(
    @InjectRepository(AlertRuleEntity) private readonly rules: Repository<AlertRuleEntity>,
    @InjectRepository(AlertChannelEntity)
    private readonly channels: Repository<AlertChannelEntity>,
    @InjectRepository(AlertEventEntity) private readonly events: Repository<AlertEventEntity>,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<AlertRuleResponse[]> {
    const rules = await this.rules.find({ order: { createdAt: 'ASC' } });
    return rules.map(toAlertRuleResponse);
  }

  async create(actor: AuthUser, dto: CreateAlertRuleDto): Promise<AlertRuleResponse> {
    const { threshold, forSeconds } = settled(dto.kind, dto.threshold, dto.forSeconds);
    await this.assertChannels(dto.channelIds);
    const now = new Date();
    const rule: AlertRuleEntity = {
      id: randomUUID(),
      name: dto.name,
      kind: dto.kind,
      channelIds: JSON.stringify([...new Set(dto.channelIds)]),
      scopeJson: scopeJson(dto.scope),
      threshold,
      forSeconds,
      enabled: dto.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    await this.audited(actor, 'create', rule, () => this.rules.insert(rule));
    return toAlertRuleResponse(rule);
  }

  async update(actor: AuthUser, id: string, dto: UpdateAlertRuleDto): Promise<AlertRuleResponse> {
    const rule = await this.find(id);
    const kind = dto.kind ?? rule.kind;
    const kindChanged = kind !== rule.kind;
    // A new kind starts from its own defaults unless the change gives them.
    const threshold =
      dto.threshold !== undefined ? dto.threshold : kindChanged ? undefined : rule.threshold;
    const forSeconds = dto.forSeconds ?? (kindChanged ? undefined : rule.forSeconds);
    const fields = settled(kind, threshold, forSeconds);
    if (dto.channelIds) {
      await this.assertChannels(dto.channelIds);
    }
    const updated: AlertRuleEntity = {
      ...rule,
      ...fields,
      kind,
      name: dto.name ?? rule.name,
      channelIds: dto.channelIds ? JSON.stringify([...new Set(dto.channelIds)]) : rule.channelIds,
      scopeJson: dto.scope !== undefined ? scopeJson(dto.scope) : rule.scopeJson,
      enabled: dto.enabled ?? rule.enabled,
      updatedAt: new Date(),
    };
    await this.audited(actor, 'update', updated, () => this.rules.save(updated));
    return toAlertRuleResponse(updated);
  }

  async remove(actor: AuthUser, id: string): Promise<void> {
    const rule = await this.find(id);
    await this.audited(actor, 'delete', rule, async () => {
      await this.rules.delete({ id });
      // Its events stay listed under its name; the open ones resolve at the next round.
      await this.events.update({ ruleId: id }, { ruleId: null });
    });
  }

  private async find(id: string): Promise<AlertRuleEntity> {
    const rule = await this.rules.findOneBy({ id });
    if (!rule) {
      throw new AppError(ErrorCode.NotFound, 'No alert rule with this id');
    }
    return rule;
  }

  private async assertChannels(ids: readonly string[]): Promise<void> {
    const unique = [...new Set(ids)];
    const found = unique.length ? await this.channels.countBy({ id: In(unique) }) : 0;
    if (found !== unique.length) {
      throw bad('channelIds must name existing channels');
    }
  }

  private audited(
    actor: AuthUser,
    verb: 'create' | 'update' | 'delete',
    rule: AlertRuleEntity,
    work: () => Promise<unknown>,
  ): Promise<unknown> {
    return this.audit.recordOutcome(
      {
        actor: actor.username,
        action: `alerts.rule.${verb}`,
        target: `alert-rule:${rule.name}`,
        context: `id=${rule.id} kind=${rule.kind}`,
      },
      work,
    );
  }
}

function scopeJson(
  scope: { source?: string; hostId?: string; container?: string } | null | undefined,
): string | null {
  if (!scope) {
    return null;
  }
  const { source, hostId, container } = scope;
  const kept = Object.fromEntries(
    Object.entries({ source, hostId, container }).filter(([, value]) => value !== undefined),
  );
  return Object.keys(kept).length ? JSON.stringify(kept) : null;
}
