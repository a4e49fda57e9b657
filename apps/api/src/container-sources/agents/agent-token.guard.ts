import { AGENT_TOKEN_PREFIX } from '@archnest/contracts';
import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { AccessTokensService, type VerifiedToken } from '../../access-tokens/access-tokens.service';
import { AuditService } from '../../audit/audit.service';
import { bearerToken, tokensMatch } from '../../common/guards/bearer-token';
import { NetworkAllowlist } from '../../common/network/cidr';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';

interface IngestRequest {
  ip: string;
  headers: Record<string, unknown>;
  body?: { hostId?: unknown };
}

/**
 * Guards agent ingest with an agent token instead of a user JWT (docs/docker-agent-monitoring.md,
 * "Enrolling a host"): the shared ARCHNEST_AGENT_TOKEN, or a per-host token, which is good only
 * for its own hostId, from its allowedCidrs, until it expires. Every request must also come from
 * ARCHNEST_AGENT_ALLOWED_CIDRS when set. 503 while neither kind of token exists.
 */
@Injectable()
export class AgentTokenGuard implements CanActivate {
  private readonly networks: NetworkAllowlist;
  private readonly sharedToken: string | null;

  constructor(
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'agentToken' | 'agentAllowedCidrs'>,
    private readonly tokens: AccessTokensService,
    private readonly audit: AuditService,
  ) {
    this.sharedToken = config.agentToken;
    this.networks = new NetworkAllowlist(config.agentAllowedCidrs);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IngestRequest>();
    if (!this.networks.allows(request.ip)) {
      throw new ForbiddenException(`Agent reports are not accepted from ${request.ip}`);
    }
    const presented = bearerToken(request.headers.authorization);
    if (presented !== null && this.sharedToken && tokensMatch(presented, this.sharedToken)) {
      return true;
    }
    const token = presented?.startsWith(AGENT_TOKEN_PREFIX)
      ? await this.tokens.verify('agent', presented)
      : null;
    if (token) {
      await this.admit(token, request);
      return true;
    }
    if (!this.sharedToken && !(await this.tokens.exists('agent'))) {
      throw new ServiceUnavailableException(
        'Agent ingest is disabled: issue a per-host token (POST /api/agents/tokens) or set ARCHNEST_AGENT_TOKEN',
      );
    }
    throw new UnauthorizedException('Missing, wrong or revoked agent token');
  }

  /** Lets a per-host token through, or audits why not and refuses it. */
  private async admit(token: VerifiedToken, request: IngestRequest): Promise<void> {
    const reported = typeof request.body?.hostId === 'string' ? request.body.hostId : null;
    const refuse = async (why: string, error: Error): Promise<never> => {
      await this.audit.record({
        actor: `agent:${token.hostId}`,
        action: 'agent.report',
        target: `agent:${reported ?? token.hostId}`,
        result: 'failure',
        detail: `token=${token.hint} from=${request.ip} refused: ${why}`,
      });
      throw error;
    };
    if (token.expired) {
      await refuse('expired', new UnauthorizedException('This agent token has expired'));
    }
    if (!token.networks.allows(request.ip)) {
      await refuse(
        'address outside the allowedCidrs of the token',
        new ForbiddenException(`This agent token may not be used from ${request.ip}`),
      );
    }
    // A body without a string hostId goes on to validation, which answers 400.
    if (reported !== null && reported !== token.hostId) {
      await refuse(
        `token is for ${token.hostId}`,
        new ForbiddenException(`This agent token is for host ${token.hostId}, not ${reported}`),
      );
    }
    this.tokens.noteUse(token, request.ip);
  }
}
