import { BadRequestException, type PipeTransform, type Type } from '@nestjs/common';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { isNullable } from './nullable.decorator';

type Schemas = ReturnType<typeof validationMetadatasToSchemas>;
type SchemaObject = Schemas[string];

/** Custom class-validator decorators that carry their JSON Schema equivalent as a constraint. */
export interface SchemaConstraint {
  jsonSchema: Record<string, unknown>;
}

function customConverter(meta: ValidationMetadata): SchemaObject {
  const constraint = meta.constraints?.[0] as Partial<SchemaConstraint> | undefined;
  if (!constraint?.jsonSchema) {
    throw new Error(
      `No JSON Schema for custom validator ${meta.name ?? '?'} on ${meta.propertyName}`,
    );
  }
  return constraint.jsonSchema;
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
  return [...new Set(relevant.map((e) => `${fieldPath(e)} ${e.message ?? 'is invalid'}`))].slice(
    0,
    20,
  );
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
    const definitions = tighten(
      validationMetadatasToSchemas({
        classTransformerMetadataStorage: defaultMetadataStorage,
        refPointerPrefix: '#/definitions/',
        additionalConverters: { [ValidationTypes.CUSTOM_VALIDATION]: customConverter },
      }),
    );
    const ajv = new Ajv({ allErrors: true, removeAdditional: true, strict: false });
    addFormats(ajv);
    this.check = ajv.compile({ $ref: `#/definitions/${dto.name}`, definitions });
  }

  transform(value: unknown): T {
    if (!this.check(value)) {
      throw new BadRequestException(messages(this.check.errors ?? []));
    }
    return value as T;
  }
}
