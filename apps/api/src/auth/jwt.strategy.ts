import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { UserRole } from '@archnest/contracts';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { RequestUser } from '../common/decorators/current-user.decorator';
import { UsersService } from '../users/users.service';

export interface JwtPayload {
  sub: string;
  username: string;
  role: UserRole;
}

/**
 * Accepts only HS256 tokens that have not expired, and re-reads the user on every request so a
 * deleted user or a changed role takes effect at once.
 *
 * The secret goes in as a KeyObject made once: given a string, jsonwebtoken first tries it as a
 * PEM public key on every verify and catches the failure, which cost about 30 % of the CPU of an
 * authenticated GET (docs/auth-performance.md). passport-jwt hands the key to jsonwebtoken
 * unchanged; only its types still say string or Buffer.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly users: UsersService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret)) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
      jsonWebTokenOptions: { maxAge: '1d' },
    });
  }

  async validate(payload: JwtPayload): Promise<RequestUser> {
    const user =
      typeof payload.sub === 'string' ? await this.users.findAuthUser(payload.sub) : null;
    if (!user) {
      throw new UnauthorizedException('This account no longer exists');
    }
    return user;
  }
}
