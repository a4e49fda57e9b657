/**
 * The documented operations of the API, read from its OpenAPI document (/api/docs-json), so that
 * the security suites (auth matrix, fuzzing, secrets) cover a new route the day it is added.
 */

import type { Method } from './http';

export interface Schema {
  type?: string;
  $ref?: string;
  allOf?: Schema[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  nullable?: boolean;
}

interface Parameter {
  in: 'path' | 'query';
  name: string;
  schema?: Schema;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content: Record<string, { schema: Schema }> };
        responses?: Record<string, unknown>;
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

export interface Operation {
  method: Method;
  /** The documented path, with `{name}` placeholders. */
  template: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** The JSON request body's schema, or null when the operation takes none. */
  body: Schema | null;
  /** Documents a 403: only admins may call it. */
  adminOnly: boolean;
}

/** Every operation of the document, in its order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase() as Method,
      template,
      pathParams: (operation.parameters ?? []).filter((p) => p.in === 'path'),
      queryParams: (operation.parameters ?? []).filter((p) => p.in === 'query'),
      body: operation.requestBody?.content['application/json']?.schema ?? null,
      adminOnly: '403' in (operation.responses ?? {}),
    })),
  );
}

/** `POST /api/agents/docker/report` */
export const operationKey = (op: { method: string; template: string }): string =>
  `${op.method} ${op.template}`;

/** The operation's URL with its placeholders filled (`x` for one not given) and the query. */
export function operationUrl(
  op: { template: string },
  params: Record<string, string>,
  query: string[] = [],
): string {
  const path = op.template.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? 'x');
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

/** Follows `$ref`s and single-member `allOf`s to the schema they stand for. */
export function resolveSchema(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let i = 0; i < 5; i++) {
    if (current.$ref) {
      current = doc.components.schemas[current.$ref.split('/').pop() ?? ''] ?? {};
    } else if (current.allOf?.length === 1 && !current.properties) {
      current = current.allOf[0]!;
    } else {
      break;
    }
  }
  return current;
}
