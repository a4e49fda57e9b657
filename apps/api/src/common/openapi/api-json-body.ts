import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';

/** One complete request body, as an integrator would send it. */
export interface BodyExample<T> {
  summary: string;
  description?: string;
  value: T;
}

/**
 * Documents a required JSON request body of `type` with named examples, which the explorer
 * offers in its "Examples" list and generated documentation shows. Typed, so an example that no
 * longer fits the DTO fails to compile: `@ApiJsonBody(LoginDto, { admin: { summary, value } })`.
 */
export function ApiJsonBody<T>(
  type: Type<T>,
  examples: Record<string, BodyExample<T>>,
): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(type),
    ApiBody({ required: true, schema: { $ref: getSchemaPath(type) }, examples }),
  );
}
