import { ExecutionContext, ForbiddenException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AdminOnly } from '../decorators/admin-only.decorator';
import { RolesGuard } from './roles.guard';

class Routes {
  @AdminOnly()
  adminRoute(): void {}

  openRoute(): void {}
}

function contextFor(handler: keyof Routes, role?: 'admin' | 'member'): ExecutionContext {
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ user: role ? { role } : undefined }) }),
  } as unknown as ExecutionContext;
}

describe('RolesGuard', () => {
  const guard = new RolesGuard(new Reflector());

  it('lets an admin through an @AdminOnly route', () => {
    expect(guard.canActivate(contextFor('adminRoute', 'admin'))).toBe(true);
  });

  it('refuses a member with 403', () => {
    expect(() => guard.canActivate(contextFor('adminRoute', 'member'))).toThrow(ForbiddenException);
  });

  it('refuses a request without a user', () => {
    expect(() => guard.canActivate(contextFor('adminRoute'))).toThrow(ForbiddenException);
  });

  it('leaves other routes to the JWT guard', () => {
    expect(guard.canActivate(contextFor('openRoute', 'member'))).toBe(true);
  });
});
