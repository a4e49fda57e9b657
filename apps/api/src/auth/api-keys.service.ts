import { API_KEY_PREFIX } from '@archnest/contracts';
import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { futureDate } from '../access-tokens/access-token.dto';
import type { AccessTokenEntity } from '../access-tokens/access-token.entity';
import { AccessTokensService } from '../access-tokens/access-tokens.service';
import { AuditService } from '../audit/audit.service';
import type { AuthUser, RequestUser } from '../common/decorators/current-user.decorator';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { UsersService } from '../users/users.service';
import {
  type ApiKeyResponse,
  type CreateApiKeyDto,
  type IssuedApiKeyResponse,
  toApiKeyResponse,
} from './api-key.dto';

/** Methods a read-only key may use. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/** Users' API keys for integrators (docs/security.md, "API keys"). */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly tokens: AccessTokensService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** A member's own keys; an admin's list holds everyone's. */
  async list(actor: AuthUser): Promise<ApiKeyResponse[]> {
    const where = actor.role === 'admin' ? { kind: 'api-key' as const } : ownKeys(actor);
    const [keys, users] = await Promise.all([this.tokens.list(where), this.users.list()]);
    const names = new Map(users.map((user) => [user.id, user.username]));
    return keys.map((key) => toApiKeyResponse(key, names.get(key.userId ?? '') ?? ''));
  }

  async issue(actor: AuthUser, dto: CreateApiKeyDto): Promise<IssuedApiKeyResponse> {
    const issued = await this.tokens.issue('api-key', API_KEY_PREFIX, {
      name: dto.name,
      userId: actor.id,
      readOnly: dto.readOnly ?? false,
      expiresAt: futureDate(dto.expiresAt),
    });
    await this.record(actor, 'api-key.create', issued.entity, actor.username);
    return { ...toApiKeyResponse(issued.entity, actor.username), key: issued.token };
  }

  /** Own keys, or anyone's for an admin; another user's key is a 404 to a member. */
  async revoke(actor: AuthUser, id: string): Promise<void> {
    const key = await this.tokens.findOne(
      actor.role === 'admin' ? { id, kind: 'api-key' } : { id, ...ownKeys(actor) },
    );
    if (!key) {
      throw new AppError(ErrorCode.NotFound, `API key ${id} not found`);
    }
    const owner = await this.users.findAuthUser(key.userId ?? '');
    await this.tokens.remove(key);
    await this.record(actor, 'api-key.revoke', key, owner?.username ?? key.userId ?? '');
  }

  /**
   * The user an API key acts for: its owner as they are now (a deleted owner's keys die with
   * them), with a member's rights and GET/HEAD only when the key is read-only.
   */
  async authenticate(key: string, method: string, address: string | null): Promise<RequestUser> {
    const token = await this.tokens.verify('api-key', key);
    const owner = token && !token.expired && (await this.users.findAuthUser(token.userId ?? ''));
    if (!token || !owner) {
      throw new UnauthorizedException('Unknown, revoked or expired API key');
    }
    if (token.readOnly && !READ_METHODS.has(method)) {
      throw new ForbiddenException('This API key is read-only');
    }
    this.tokens.noteUse(token, address);
    return token.readOnly ? { ...owner, role: 'member' } : owner;
  }

  private record(
    actor: AuthUser,
    action: string,
    key: AccessTokenEntity,
    owner: string,
  ): Promise<void> {
    return this.audit.record({
      actor: actor.username,
      action,
      target: `api-key:${key.hint}`,
      result: 'success',
      detail: `owner=${owner}${key.readOnly ? ' read-only' : ''}`,
    });
  }
}

function ownKeys(actor: AuthUser): { kind: 'api-key'; userId: string } {
  return { kind: 'api-key', userId: actor.id };
}
