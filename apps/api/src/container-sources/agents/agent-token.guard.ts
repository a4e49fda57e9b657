import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The token from `Authorization: Bearer <token>`, or null. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') {
    return null;
  }
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/** Equal-length SHA-256 digests, compared in constant time whatever the presented length. */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Guards agent ingest with the shared ARCHNEST_AGENT_TOKEN instead of a user JWT:
 * 503 while ingest is disabled (no token configured), 401 for a missing or wrong token.
 */
@Injectable()
export class AgentTokenGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'agentToken'>) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.agentToken;
    if (!expected) {
      throw new ServiceUnavailableException('Agent ingest is disabled: set ARCHNEST_AGENT_TOKEN');
    }
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    const presented = bearerToken(request.headers.authorization);
    if (presented === null || !tokensMatch(presented, expected)) {
      throw new UnauthorizedException('Missing or wrong agent token');
    }
    return true;
  }
}
