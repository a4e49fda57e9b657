import { API_KEY_PREFIX } from '@archnest/contracts';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiKeysService } from '../../auth/api-keys.service';
import type { AuthUser } from '../decorators/current-user.decorator';
import { bearerToken } from './bearer-token';
import { IS_PUBLIC } from '../decorators/public.decorator';

interface AuthRequest {
  method: string;
  ip: string;
  headers: Record<string, unknown>;
  user?: AuthUser;
}

/**
 * Global guard: every route needs a user, unless marked @Public(): a login JWT (passport-jwt), or
 * an API key (`archnest_key_…`), which acts for its owner.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const presented = bearerToken(request.headers.authorization);
    if (presented?.startsWith(API_KEY_PREFIX)) {
      request.user = await this.apiKeys.authenticate(presented, request.method, request.ip);
      return true;
    }
    return (await super.canActivate(context)) as boolean;
  }
}
