import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import type { ErrorBody } from '../filters/global-exception.filter';

/** The one shape of every error answer (GlobalExceptionFilter). */
export class ErrorResponse implements ErrorBody {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request', description: 'The HTTP reason phrase' })
  error!: string;
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'hostId must be 1-128 letters, digits, dots, dashes or underscores',
    description: 'What went wrong; names the field for invalid input (one entry per field)',
  })
  message!: string | string[];
}

/** The errors of a route for signed-in admins only. */
export const SIGNED_IN_ADMIN = {
  401: 'Missing or expired token',
  403: 'The signed-in user is not an admin',
} as const;

/** Documents error answers with the ErrorResponse schema: `@ApiErrors({ 404: 'Unknown host' })`. */
export function ApiErrors(
  errors: Partial<Record<number, string>>,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description: description ?? STATUS_CODES[Number(status)],
        type: ErrorResponse,
      }),
    ),
  );
}
