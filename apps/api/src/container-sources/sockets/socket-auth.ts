import { EXEC_CLOSE } from '@archnest/contracts';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import { UsersService } from '../../users/users.service';

/** A refused WebSocket session: the close code and the reason sent before closing. */
export class SocketRefusal extends Error {
  constructor(
    readonly closeCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'SocketRefusal';
  }
}

/**
 * Checks the JWT of a WebSocket's `start` message exactly as the HTTP guard does (HS256 only,
 * expiry enforced, user re-read so a deleted user or changed role applies at once). Exec and
 * live logs share the close codes (4401 signed out, 4403 role).
 */
@Injectable()
export class SocketAuthenticator {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
  ) {}

  /** Any signed-in user (read access, e.g. following logs). */
  async user(token: string): Promise<AuthUser> {
    const payload = await this.jwt
      .verifyAsync<{ sub?: unknown }>(token, { algorithms: ['HS256'], maxAge: '1d' })
      .catch(() => null);
    const user =
      typeof payload?.sub === 'string' ? await this.users.findAuthUser(payload.sub) : null;
    if (!user) {
      throw new SocketRefusal(
        EXEC_CLOSE.unauthorized,
        'Sign in again: the token is invalid or expired',
      );
    }
    return user;
  }

  async admin(token: string): Promise<AuthUser> {
    const user = await this.user(token);
    if (user.role !== 'admin') {
      throw new SocketRefusal(EXEC_CLOSE.forbidden, 'Exec needs the admin role');
    }
    return user;
  }
}
