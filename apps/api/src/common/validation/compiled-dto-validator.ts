import { BadRequestException, type PipeTransform, type Type } from '@nestjs/common';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { compileJsonSchema } from './json-schema-validator';
import { isNullable } from './nullable.decorator';

type Schemas = ReturnType<typeof validationMetadatasToSchemas>;
type SchemaObject = Schemas[string];

/** Custom class-validator decorators that carry their JSON Schema equivalent as a constraint. */
export interface SchemaConstraint {
  jsonSchema: Record<string, unknown>;
}

const UNSUPPORTED = 'x-unsupported-validator';

/** Custom validators without a JSON Schema are marked; compiling a DTO that uses one fails. */
function customConverter(meta: ValidationMetadata): SchemaObject {
  const constraint = meta.constraints?.[0] as Partial<SchemaConstraint> | undefined;
  return constraint?.jsonSchema ?? { [UNSUPPORTED]: meta.name ?? 'custom' };
}

/** Throws if the DTO, or a DTO nested in it, uses a validator the schema cannot express. */
function assertExpressible(definitions: Schemas, root: string, seen = new Set<string>()): void {
  seen.add(root);
  const text = JSON.stringify(definitions[root]);
  const unsupported = new RegExp(`"${UNSUPPORTED}":"([^"]+)"`).exec(text);
  if (unsupported) {
    throw new Error(`${root} uses ${unsupported[1]}, which has no JSON Schema`);
  }
  for (const [, nested] of text.matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)) {
    if (nested && !seen.has(nested)) {
      assertExpressible(definitions, nested, seen);
    }
  }
}

/** Adds what class-validator-jsonschema leaves out: unknown fields stripped, nullable fields. */
function tighten(schemas: Schemas): Schemas {
  for (const [className, schema] of Object.entries(schemas)) {
    schema.additionalProperties = false;
    const required = new Set(schema.required ?? []);
    for (const [property, propertySchema] of Object.entries(schema.properties ?? {})) {
      const nullable = isNullable(className, property);
      if (nullable || !required.has(property)) {
        schema.properties![property] = { anyOf: [propertySchema, { type: 'null' }] };
      }
      if (nullable) {
        required.add(property);
      }
    }
    schema.required = [...required];
  }
  return schemas;
}

function fieldPath(error: ErrorObject): string {
  const path = error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return path ? `${path}.${missing}` : missing;
  }
  return path || 'body';
}

function messages(errors: ErrorObject[]): string[] {
  const relevant = errors.filter(
    (e) =>
      e.keyword !== 'anyOf' &&
      e.keyword !== 'oneOf' &&
      (e.params as { type?: string }).type !== 'null',
  );
  const describe = (e: ErrorObject): string =>
    `${fieldPath(e)} ${e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid')}`;
  return [...new Set(relevant.map(describe))].slice(0, 20);
}

/**
 * The JSON Schema of a class-validator DTO, from its own decorators, with unknown fields
 * forbidden and nullable fields allowed; throws if the DTO uses a validator it cannot express.
 */
export function dtoJsonSchema(dto: Type<unknown>): { $ref: string; definitions: Schemas } {
  const definitions = tighten(
    validationMetadatasToSchemas({
      classTransformerMetadataStorage: defaultMetadataStorage,
      refPointerPrefix: '#/definitions/',
      additionalConverters: { [ValidationTypes.CUSTOM_VALIDATION]: customConverter },
    }),
  );
  assertExpressible(definitions, dto.name);
  return { $ref: `#/definitions/${dto.name}`, definitions };
}

/**
 * Validates a body against a class-validator DTO through a compiled JSON Schema (Ajv) derived
 * from the DTO's own decorators: one source of truth, and fast enough for hot routes such as
 * agent ingest, where generic class-validator costs several ms per nested report.
 * Unknown fields are stripped; the message of a 400 names each offending field.
 */
export class CompiledDtoValidator<T> implements PipeTransform<unknown, T> {
  private readonly check: ValidateFunction;

  constructor(dto: Type<T>) {
    this.check = compileJsonSchema(dtoJsonSchema(dto));
  }

  transform(value: unknown): T {
    if (!this.check(value)) {
      throw new BadRequestException(messages(this.check.errors ?? []));
    }
    return value as T;
  }
}
