import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

interface LoginRequest {
  ip: string;
  body?: { username?: unknown };
}

/** Counts attempts per client address and username, so one attacker cannot lock out others. */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: LoginRequest): Promise<string> {
    const username = typeof request.body?.username === 'string' ? request.body.username : '';
    return Promise.resolve(`${request.ip}|${username.toLowerCase()}`);
  }
}
