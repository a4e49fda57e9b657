import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { RequestUser } from '../common/decorators/current-user.decorator';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { UserResponse } from '../users/user.dto';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AccessTokenResponse, LoginDto, SetupDto, SetupStatusResponse } from './auth.dto';
import type { JwtPayload } from './jwt.strategy';

const SEEDED_ADMIN = 'admin';

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  /** Serialises first-run setup so two simultaneous requests cannot both create an admin. */
  private setupQueue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
  ) {}

  /** Seeds the first admin from ARCHNEST_ADMIN_PASSWORD when no user exists yet. */
  async onApplicationBootstrap(): Promise<void> {
    const password = this.config.adminPassword;
    if (password && (await this.users.count()) === 0) {
      await this.setup({ username: SEEDED_ADMIN, password }, 'environment');
      this.logger.log(`Created the first admin "${SEEDED_ADMIN}" from ARCHNEST_ADMIN_PASSWORD`);
    }
  }

  async setupStatus(): Promise<SetupStatusResponse> {
    return { needsSetup: (await this.users.count()) === 0 };
  }

  setup(dto: SetupDto, via: 'console' | 'environment' = 'console'): Promise<AccessTokenResponse> {
    const run = this.setupQueue.then(() => this.createFirstAdmin(dto, via));
    this.setupQueue = run.catch(() => undefined);
    return run;
  }

  async login({ username, password }: LoginDto): Promise<AccessTokenResponse> {
    const user = await this.users.verifyCredentials(username, password);
    if (!user) {
      throw new AppError(ErrorCode.Unauthorized, 'Wrong username or password');
    }
    return this.issueToken(user);
  }

  /** The signed-in user as the guard read it for this request: no second read. */
  me(user: RequestUser): UserResponse {
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    };
  }

  private async createFirstAdmin(dto: SetupDto, via: string): Promise<AccessTokenResponse> {
    if ((await this.users.count()) > 0) {
      throw new AppError(ErrorCode.Conflict, 'Setup is already complete; sign in instead');
    }
    const user = await this.users.insert({ ...dto, role: 'admin' });
    await this.audit.record({
      actor: user.username,
      action: 'auth.setup',
      target: `user:${user.username}`,
      result: 'success',
      detail: `first admin created via ${via}`,
    });
    return this.issueToken(user);
  }

  private async issueToken(user: UserEntity): Promise<AccessTokenResponse> {
    const payload: JwtPayload = { sub: user.id, username: user.username, role: user.role };
    return { accessToken: await this.jwt.signAsync(payload) };
  }
}
