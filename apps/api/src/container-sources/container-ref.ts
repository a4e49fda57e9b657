import { registerDecorator, type ValidationOptions } from 'class-validator';
import { AppError, ErrorCode } from '../common/errors/app-error';

/** Docker's own container name grammar (docs/security.md). */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** A short (12) to full (64) lowercase hex container id. */
const ID = /^[a-f0-9]{12,64}$/;
/** Docker limits names far below this; a bound keeps hostile input small. */
const MAX_REF_LENGTH = 128;

/**
 * True for a container name or id that may be used in an Engine API path or a quoted shell
 * argument. Every source checks this before any request or connection is made.
 */
export function isContainerRef(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= MAX_REF_LENGTH &&
    (ID.test(value) || NAME.test(value))
  );
}

export function assertContainerRef(value: unknown): string {
  if (!isContainerRef(value)) {
    throw new AppError(
      ErrorCode.BadRequest,
      'container must be a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]+) or a 12-64 character hex id',
    );
  }
  return value;
}

/** class-validator decorator for route params and DTO fields holding a container ref. */
export function IsContainerRef(options?: ValidationOptions) {
  return (target: object, propertyName: string): void => {
    registerDecorator({
      name: 'isContainerRef',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]+) or a 12-64 character hex id`,
        ...options,
      },
      validator: { validate: isContainerRef },
    });
  };
}
