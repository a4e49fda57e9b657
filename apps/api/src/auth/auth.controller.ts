import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { CurrentUser, type RequestUser } from '../common/decorators/current-user.decorator';
import { Public } from '../common/decorators/public.decorator';
import { ApiErrors } from '../common/openapi/api-errors';
import { ApiJsonBody } from '../common/openapi/api-json-body';
import { USER_JWT } from '../openapi';
import { UserResponse } from '../users/user.dto';
import { AccessTokenResponse, LoginDto, SetupDto, SetupStatusResponse } from './auth.dto';
import { AuthService } from './auth.service';
import { LoginThrottlerGuard } from './login-throttler.guard';

/** Ten sign-in or setup attempts per minute per client address and username. */
const LOGIN_LIMIT = { default: { limit: 10, ttl: 60_000 } };
const CREDENTIALS = {
  admin: {
    summary: 'An admin',
    value: { username: 'admin', password: 'correct-horse-battery' },
  },
};
const TOO_MANY_ATTEMPTS = 'More than 10 attempts a minute from this address for this username';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Get('setup')
  @ApiOperation({
    operationId: 'getSetupStatus',
    summary: 'Get setup status',
    description:
      'Whether the first admin still has to be created (no user exists yet). Public: the ' +
      'console calls it before anyone signs in.',
  })
  @ApiOkResponse({ type: SetupStatusResponse })
  setupStatus(): Promise<SetupStatusResponse> {
    return this.auth.setupStatus();
  }

  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Throttle(LOGIN_LIMIT)
  @Post('setup')
  @ApiOperation({
    operationId: 'completeSetup',
    summary: 'Create the first admin',
    description:
      'Creates the first user, always an admin, and signs it in. Public, and only possible ' +
      'while no user exists; afterwards it answers 409. Throttled like sign-in.',
  })
  @ApiJsonBody(SetupDto, CREDENTIALS)
  @ApiCreatedResponse({ type: AccessTokenResponse, description: 'First admin created' })
  @ApiErrors({
    400: 'Invalid username or password; the message names the field',
    409: 'A user already exists; sign in instead',
    429: TOO_MANY_ATTEMPTS,
  })
  setup(@Body() dto: SetupDto): Promise<AccessTokenResponse> {
    return this.auth.setup(dto);
  }

  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Throttle(LOGIN_LIMIT)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'login',
    summary: 'Sign in',
    description:
      'Exchanges a username and password for an access token (a JWT valid for 12 hours); send ' +
      'it as `Authorization: Bearer <accessToken>`. Public; ten attempts a minute per client ' +
      'address and username.',
  })
  @ApiJsonBody(LoginDto, CREDENTIALS)
  @ApiOkResponse({ type: AccessTokenResponse })
  @ApiErrors({
    400: 'Missing username or password; the message names the field',
    401: 'Wrong username or password',
    429: TOO_MANY_ATTEMPTS,
  })
  login(@Body() dto: LoginDto): Promise<AccessTokenResponse> {
    return this.auth.login(dto);
  }

  @Get('me')
  @ApiBearerAuth(USER_JWT)
  @ApiOperation({
    operationId: 'getCurrentUser',
    summary: 'Get the signed-in user',
    description: 'The user the access token belongs to, with its role. Members may call it.',
  })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors({ 401: 'Missing or expired token, or the account no longer exists' })
  me(@CurrentUser() user: RequestUser): UserResponse {
    return this.auth.me(user);
  }
}
