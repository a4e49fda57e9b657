import { ValidateIf } from 'class-validator';

/** Nullable properties by DTO class name, so compiled validators agree with class-validator. */
const nullableFields = new Map<string, Set<string>>();

/** The property is required but may be null; other validators apply to non-null values. */
export function Nullable(): PropertyDecorator {
  return (target, propertyKey) => {
    ValidateIf((_object, value) => value !== null)(target, propertyKey);
    const className = target.constructor.name;
    nullableFields.set(
      className,
      (nullableFields.get(className) ?? new Set()).add(String(propertyKey)),
    );
  };
}

export function isNullable(className: string, propertyKey: string): boolean {
  return nullableFields.get(className)?.has(propertyKey) ?? false;
}
