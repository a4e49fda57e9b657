import type { SchemaConstraint } from '../../common/validation/compiled-dto-validator';
import {
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

export interface StringRecordLimits {
  maxEntries: number;
  maxKeyLength: number;
  maxValueLength: number;
}

/** A plain object of string values (Docker labels), bounded in size. */
export function isStringRecord(value: unknown, limits: StringRecordLimits): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const entries = Object.entries(value);
  return (
    entries.length <= limits.maxEntries &&
    entries.every(
      ([key, item]) =>
        key.length <= limits.maxKeyLength &&
        typeof item === 'string' &&
        item.length <= limits.maxValueLength,
    )
  );
}

/** The same rule as JSON Schema, for the compiled validator. */
function stringRecordSchema(limits: StringRecordLimits): SchemaConstraint {
  return {
    jsonSchema: {
      type: 'object',
      maxProperties: limits.maxEntries,
      propertyNames: { maxLength: limits.maxKeyLength },
      additionalProperties: { type: 'string', maxLength: limits.maxValueLength },
    },
  };
}

export function IsStringRecord(limits: StringRecordLimits, options?: ValidationOptions) {
  return (target: object, propertyName: string): void => {
    registerDecorator({
      name: 'isStringRecord',
      target: target.constructor,
      propertyName,
      options,
      constraints: [stringRecordSchema(limits)],
      validator: {
        validate: (value: unknown) => isStringRecord(value, limits),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} must be an object of at most ${limits.maxEntries} string values`,
      },
    });
  };
}
