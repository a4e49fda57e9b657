import { EXEC_CLOSE } from '@archnest/contracts';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import { UsersService } from '../../users/users.service';

/** A refused exec session: the close code and the reason sent before closing. */
export class ExecRefusal extends Error {
  constructor(
    readonly closeCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ExecRefusal';
  }
}

/**
 * Checks the JWT of a `start` message exactly as the HTTP guard does (HS256 only, expiry
 * enforced, user re-read so a deleted user or changed role applies at once), then the admin role.
 */
@Injectable()
export class ExecAuthenticator {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
  ) {}

  async admin(token: string): Promise<AuthUser> {
    const payload = await this.jwt
      .verifyAsync<{ sub?: unknown }>(token, { algorithms: ['HS256'], maxAge: '1d' })
      .catch(() => null);
    const user =
      typeof payload?.sub === 'string' ? await this.users.findAuthUser(payload.sub) : null;
    if (!user) {
      throw new ExecRefusal(
        EXEC_CLOSE.unauthorized,
        'Sign in again: the token is invalid or expired',
      );
    }
    if (user.role !== 'admin') {
      throw new ExecRefusal(EXEC_CLOSE.forbidden, 'Exec needs the admin role');
    }
    return user;
  }
}
