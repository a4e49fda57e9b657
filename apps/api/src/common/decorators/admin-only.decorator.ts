import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';

export const ADMIN_ONLY = 'archnest:adminOnly';

/** Restricts a route to admins; checked on the server by RolesGuard. */
export const AdminOnly = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ADMIN_ONLY, true),
    ApiForbiddenResponse({ description: 'The signed-in user is not an admin' }),
  );
