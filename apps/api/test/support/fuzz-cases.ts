/**
 * Malformed requests for the security fuzz suite, one generator per kind of input: a documented
 * operation's params, query and body; an agent report with one field of the wrong type; the
 * first frame of an exec WebSocket. Built from the values of ./fuzz with a seeded Rng, so the
 * same seed gives the same cases in the same order.
 */
import { agentReport, fullReport, steadyReport } from './agent-report-fixture';
import {
  deepNesting,
  HOSTILE_STRINGS,
  hostileQueryValue,
  hostileSegment,
  hostileValue,
  hugeString,
  INVALID_UTF8_VALUE,
  POLLUTION_FRAGMENTS,
  POLLUTION_QUERY,
  Rng,
  toJsonBytes,
  wrongTypeFor,
} from './fuzz';
import {
  operationUrl,
  resolveSchema,
  type OpenApiDocument,
  type Operation,
  type Schema,
} from './openapi-operations';

export interface FuzzCase {
  kind: string;
  url: string;
  body?: Buffer;
  contentType?: string;
  /** '4xx' when a documented input is malformed; 'not-5xx' for junk on an input-less route. */
  expect: '4xx' | 'not-5xx';
}

/** A body for the operation that its schema refuses, in one of several ways (the `kind`). */
function hostileBody(
  rng: Rng,
  doc: OpenApiDocument,
  op: Operation,
): { body: Buffer; kind: string; contentType?: string } {
  const resolve = (schema: Schema | undefined): Schema => resolveSchema(doc, schema);
  const schema = resolve(op.body ?? undefined);
  const properties = Object.entries(schema.properties ?? {});
  const kind = rng.pick([
    'schema',
    'schema',
    'schema',
    'schema',
    'non-object',
    'deep-nesting',
    'pollution',
    'invalid-utf8',
    'huge',
    'bad-json',
    'content-type',
  ]);
  const base: Record<string, unknown> = {};
  for (const [name] of properties) {
    if (rng.chance(0.5)) {
      base[name] = hostileValue(rng);
    }
  }
  // One documented field (a required one when there are any) of a type it can never have.
  const required = schema.required ?? [];
  const names = required.length > 0 ? required : properties.map(([name]) => name);
  const victim = names.length > 0 ? rng.pick(names) : 'x';
  base[victim] = wrongTypeFor(rng, resolve(schema.properties?.[victim]).type);
  switch (kind) {
    case 'non-object':
      return {
        kind,
        body: Buffer.from(rng.pick(['[]', '"text"', '42', 'null', 'true', '[{}]', '""'])),
      };
    case 'deep-nesting':
      base[rng.pick(names.length > 0 ? names : ['x'])] = deepNesting(rng);
      return { kind, body: toJsonBytes(base) };
    case 'pollution': {
      const fragment = rng.pick(POLLUTION_FRAGMENTS).text;
      const text = toJsonBytes(base).toString('utf8');
      const merged = rng.chance(0.5)
        ? `${fragment.slice(0, -1)},${text.slice(1)}`
        : `{"${victim}":${fragment}}`;
      return { kind, body: Buffer.from(merged) };
    }
    case 'invalid-utf8': {
      const stringField = properties.find(([, s]) => resolve(s).type === 'string')?.[0];
      base[stringField ?? 'x'] = `${INVALID_UTF8_VALUE}${rng.pick(HOSTILE_STRINGS)}`;
      if (stringField === victim) {
        base.__fuzz = INVALID_UTF8_VALUE;
      }
      return { kind, body: toJsonBytes(base) };
    }
    case 'huge':
      base[rng.pick(names.length > 0 ? names : ['x'])] = hugeString(rng, 900_000);
      return { kind, body: toJsonBytes(base) };
    case 'bad-json':
      return {
        kind,
        body: Buffer.from(
          rng.pick(['{', '{"a":', "{'a':1}", '{"a":1,}', '{a:1}', '\u0000', '{"a":1}{"b":2}']),
        ),
      };
    case 'content-type':
      return {
        kind,
        body: toJsonBytes(base),
        contentType: rng.pick([
          'text/plain',
          'application/xml',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          'application/octet-stream',
          'application/jsonx',
          '',
        ]),
      };
    default:
      return { kind, body: toJsonBytes(base) };
  }
}

/**
 * A case for an operation, on top of valid `params` for its URL: at least one documented input
 * malformed, when it has any; junk in the query when it has none.
 */
export function operationCase(
  rng: Rng,
  doc: OpenApiDocument,
  op: Operation,
  validParams: Record<string, string>,
): FuzzCase {
  const params = { ...validParams };
  const query: string[] = [];
  const documented = op.pathParams.length + op.queryParams.length + (op.body ? 1 : 0);
  const kinds: string[] = [];
  const targets = [
    ...op.pathParams.map((p) => ({ where: 'path' as const, param: p })),
    ...op.queryParams.map((p) => ({ where: 'query' as const, param: p })),
    ...(op.body ? [{ where: 'body' as const, param: null }] : []),
  ];
  const chosen = targets.filter(() => rng.chance(0.3));
  if (chosen.length === 0 && targets.length > 0) {
    chosen.push(rng.pick(targets));
  }
  for (const { where, param } of chosen) {
    if (where === 'path' && param) {
      params[param.name] = hostileSegment(rng);
      kinds.push(`path:${param.name}`);
    } else if (where === 'query' && param) {
      for (const value of hostileQueryValue(rng, param.schema ?? {})) {
        query.push(`${param.name}=${value}`);
      }
      kinds.push(`query:${param.name}`);
    }
  }
  if (rng.chance(0.3)) {
    query.push(rng.pick(POLLUTION_QUERY));
    kinds.push('query:pollution');
  }
  if (documented === 0) {
    query.push(rng.pick(POLLUTION_QUERY), `${rng.pick(['a', 'q', 'x'])}=${hostileSegment(rng)}`);
    kinds.push('query:junk');
  }
  const fuzz: FuzzCase = {
    kind: kinds.join('+'),
    url: operationUrl(op, params, query),
    expect: documented > 0 ? '4xx' : 'not-5xx',
  };
  const bodyChosen = chosen.some((c) => c.where === 'body');
  if (op.body && (bodyChosen || rng.chance(0.5))) {
    const { body, kind, contentType } = hostileBody(rng, doc, op);
    fuzz.body = body;
    fuzz.contentType = contentType ?? 'application/json';
    fuzz.kind += `${fuzz.kind ? '+' : ''}body:${kind}`;
    if (!bodyChosen && chosen.length === 0) {
      fuzz.expect = '4xx';
    }
  } else if (op.body) {
    // A valid-looking but incomplete body: the malformed param or query must still refuse it.
    fuzz.body = Buffer.from('{}');
    fuzz.contentType = 'application/json';
  }
  return fuzz;
}

type JsonPath = (string | number)[];

/** The paths of every node of a JSON value, its root included. */
function leaves(value: unknown, path: JsonPath = []): JsonPath[] {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [i, v] as const)
      : Object.entries(value as Record<string, unknown>);
    return [path, ...entries.flatMap(([k, v]) => leaves(v, [...path, k]))];
  }
  return [path];
}

function setAt(root: Record<string, unknown>, path: JsonPath, value: unknown): void {
  let node: unknown = root;
  for (const step of path.slice(0, -1)) {
    node = (node as Record<string | number, unknown> | null)?.[step];
  }
  // An earlier replacement may have turned an ancestor into a scalar: nothing to set then.
  if (node !== null && typeof node === 'object') {
    (node as Record<string | number, unknown>)[path[path.length - 1]] = value;
  }
}

const typeOf = (value: unknown): string =>
  Array.isArray(value)
    ? 'array'
    : value === null
      ? 'null'
      : Number.isInteger(value)
        ? 'integer'
        : typeof value;

/**
 * An agent report for `hostId`, full (version 1 or 2) or steady, with one field (at `path`) of
 * a type it can never have, and perhaps hostile values in other fields and extra top-level keys.
 * `kind` is never changed, so a steady report stays one for the ingest pipe.
 */
export function malformedIngestReport(
  rng: Rng,
  hostId: string,
  digest: string,
): { report: Record<string, unknown>; path: JsonPath } {
  const inventory = agentReport({ hostId }, rng.int(1, 3));
  const shapes = [
    () => inventory,
    () => fullReport(inventory, digest),
    () => steadyReport(inventory, digest),
  ];
  const report = rng.pick(shapes)() as unknown as Record<string, unknown>;
  const candidates = leaves(report).filter(
    (path) =>
      path.length > 0 &&
      path.join('.') !== 'kind' &&
      typeOf(path.reduce<unknown>((n, k) => (n as never)[k], report)) !== 'null',
  );
  const path = rng.pick(candidates);
  const current = path.reduce<unknown>((n, k) => (n as never)[k], report);
  setAt(report, path, wrongTypeFor(rng, typeOf(current)));
  // Other fields may carry anything hostile on top; the one above already makes it invalid.
  for (let extra = rng.int(0, 3); extra > 0; extra--) {
    const other = rng.pick(candidates);
    if (
      !path.join('.').startsWith(other.join('.')) &&
      !other.join('.').startsWith(path.join('.'))
    ) {
      setAt(report, other, hostileValue(rng));
    }
  }
  if (rng.chance(0.2)) {
    report[rng.pick(['__proto__x', 'constructor', 'extra', 'prototype'])] = hostileValue(rng);
  }
  return { report, path };
}

/**
 * A first frame for an exec WebSocket that must be refused: not JSON or not an object, polluting,
 * or a start frame (for these token, host and container) with one field made hostile.
 */
export function malformedExecFrame(
  rng: Rng,
  { token, hostId, container }: { token: string; hostId: string; container: string },
): Buffer {
  const start: Record<string, unknown> = {
    type: 'start',
    token,
    hostId,
    container,
    cols: 80,
    rows: 24,
  };
  const field = rng.pick(['type', 'token', 'hostId', 'container', 'cols', 'rows', 'shell']);
  const kind = rng.int(0, 6);
  if (kind === 0) {
    return Buffer.from(rng.pick(['', '{', 'null', '[]', '"start"', '42', '{"type":"start"']));
  }
  if (kind === 1) {
    return Buffer.from(rng.pick(POLLUTION_FRAGMENTS).text);
  }
  if (kind === 2) {
    start[field] = deepNesting(rng);
  } else if (kind === 3) {
    start[field] = INVALID_UTF8_VALUE;
  } else if (kind === 4) {
    start.container = decodeURIComponent(
      rng.pick(['x%3Btouch%20%2Ftmp%2Fp', '..%2F..', '%24(id)', '-rm', 'a%00b', '%2Fbin']),
    );
  } else if (kind === 5) {
    start.type = rng.pick(['input', 'resize', 'exec', 'START', '__proto__']);
  } else {
    start[field] =
      field === 'cols' || field === 'rows'
        ? wrongTypeFor(rng, 'integer')
        : wrongTypeFor(rng, 'string');
  }
  return toJsonBytes(start);
}
