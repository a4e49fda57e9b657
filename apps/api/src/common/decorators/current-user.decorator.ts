import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { UserRole } from '@archnest/contracts';

/** The user a request is made for, as the JWT strategy resolved it. */
export interface AuthUser {
  id: string;
  username: string;
  role: UserRole;
}

/** The user as the guard read it for this request, with when the account was made and changed. */
export interface RequestUser extends AuthUser {
  createdAt: Date;
  updatedAt: Date;
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser =>
    context.switchToHttp().getRequest<{ user: AuthUser }>().user,
);
