import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiErrors } from '../openapi/api-errors';

export const ADMIN_ONLY = 'archnest:adminOnly';

/** Restricts a route to admins; checked on the server by RolesGuard. */
export const AdminOnly = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ADMIN_ONLY, true),
    ApiErrors({ 403: 'The signed-in user is not an admin' }),
  );
