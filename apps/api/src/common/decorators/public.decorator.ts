import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'archnest:isPublic';

/** Opts a route out of the global JWT guard. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
