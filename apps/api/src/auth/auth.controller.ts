import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { Public } from '../common/decorators/public.decorator';
import { USER_JWT } from '../openapi';
import { UserResponse } from '../users/user.dto';
import { AccessTokenResponse, LoginDto, SetupDto, SetupStatusResponse } from './auth.dto';
import { AuthService } from './auth.service';
import { LoginThrottlerGuard } from './login-throttler.guard';

/** Ten sign-in or setup attempts per minute per client address and username. */
const LOGIN_LIMIT = { default: { limit: 10, ttl: 60_000 } };

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Get('setup')
  @ApiOkResponse({ type: SetupStatusResponse })
  setupStatus(): Promise<SetupStatusResponse> {
    return this.auth.setupStatus();
  }

  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Throttle(LOGIN_LIMIT)
  @Post('setup')
  @ApiCreatedResponse({ type: AccessTokenResponse, description: 'First admin created' })
  @ApiConflictResponse({ description: 'A user already exists' })
  setup(@Body() dto: SetupDto): Promise<AccessTokenResponse> {
    return this.auth.setup(dto);
  }

  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Throttle(LOGIN_LIMIT)
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessTokenResponse })
  @ApiUnauthorizedResponse({ description: 'Wrong username or password' })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts; wait a minute' })
  login(@Body() dto: LoginDto): Promise<AccessTokenResponse> {
    return this.auth.login(dto);
  }

  @Get('me')
  @ApiBearerAuth(USER_JWT)
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentUser() user: AuthUser): Promise<UserResponse> {
    return this.auth.me(user);
  }
}
