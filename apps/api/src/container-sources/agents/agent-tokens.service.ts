import { AGENT_TOKEN_PREFIX } from '@archnest/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { futureDate } from '../../access-tokens/access-token.dto';
import type { AccessTokenEntity } from '../../access-tokens/access-token.entity';
import { AccessTokensService } from '../../access-tokens/access-tokens.service';
import { AuditService } from '../../audit/audit.service';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import {
  type AgentTokenResponse,
  type CreateAgentTokenDto,
  type IssuedAgentTokenResponse,
  toAgentTokenResponse,
} from './agent-token.dto';

/** Per-host agent tokens (docs/docker-agent-monitoring.md, "Enrolling a host"). */
@Injectable()
export class AgentTokensService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'agentTokenOverlapMs'>,
    private readonly tokens: AccessTokensService,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<AgentTokenResponse[]> {
    return (await this.tokens.list({ kind: 'agent' })).map(toAgentTokenResponse);
  }

  async issue(actor: AuthUser, dto: CreateAgentTokenDto): Promise<IssuedAgentTokenResponse> {
    const issued = await this.tokens.issue('agent', AGENT_TOKEN_PREFIX, {
      name: dto.name ?? null,
      hostId: dto.hostId,
      allowedCidrs: dto.allowedCidrs,
      expiresAt: futureDate(dto.expiresAt),
    });
    await this.record(actor, 'agent-token.issue', issued.entity, 'issued');
    return { ...toAgentTokenResponse(issued.entity), token: issued.token };
  }

  /**
   * A new token for the same host, name and networks; the old one is refused once the overlap
   * (ARCHNEST_AGENT_TOKEN_OVERLAP_SECONDS, 10 minutes by default) ends, or at its own expiry. A token with an expiry passes its lifetime on.
   */
  async rotate(actor: AuthUser, id: string): Promise<IssuedAgentTokenResponse> {
    const old = await this.getOrThrow(id);
    if (old.replacedBy) {
      // Its expiry is the overlap's end now: a second rotation would pass that on as a lifetime.
      throw new AppError(
        ErrorCode.Conflict,
        `Agent token ${id} was already rotated; rotate its replacement ${old.replacedBy}`,
      );
    }
    const now = Date.now();
    const lifetime = old.expiresAt && old.expiresAt.getTime() - old.createdAt.getTime();
    const issued = await this.tokens.issue('agent', AGENT_TOKEN_PREFIX, {
      name: old.name,
      hostId: old.hostId ?? undefined,
      allowedCidrs: old.allowedCidrs,
      expiresAt: lifetime ? new Date(now + lifetime) : null,
    });
    const overlapEnd = Math.min(
      now + this.config.agentTokenOverlapMs,
      old.expiresAt?.getTime() ?? Infinity,
    );
    await this.tokens.markReplaced(old, issued.entity.id, new Date(overlapEnd));
    await this.record(
      actor,
      'agent-token.rotate',
      issued.entity,
      `replaces ${old.hint} (valid until ${new Date(overlapEnd).toISOString()})`,
    );
    return { ...toAgentTokenResponse(issued.entity), token: issued.token };
  }

  async revoke(actor: AuthUser, id: string): Promise<void> {
    const token = await this.getOrThrow(id);
    await this.tokens.remove(token);
    await this.record(actor, 'agent-token.revoke', token, 'revoked');
  }

  private async getOrThrow(id: string): Promise<AccessTokenEntity> {
    const token = await this.tokens.findOne({ id, kind: 'agent' });
    if (!token) {
      throw new AppError(ErrorCode.NotFound, `Agent token ${id} not found`);
    }
    return token;
  }

  private record(
    actor: AuthUser,
    action: string,
    token: AccessTokenEntity,
    outcome: string,
  ): Promise<void> {
    return this.audit.record({
      actor: actor.username,
      action,
      target: `agent:${token.hostId}`,
      result: 'success',
      detail: `token=${token.hint} ${outcome}`,
    });
  }
}
