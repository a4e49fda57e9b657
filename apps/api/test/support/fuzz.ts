/**
 * A small seeded generator of malformed input for the security fuzz suite: the same seed gives
 * the same cases, so a failure can be replayed (ARCHNEST_FUZZ_SEED).
 */

export const DEFAULT_FUZZ_SEED = 0x5eed_0007;

export function fuzzSeed(): number {
  const fromEnv = Number(process.env.ARCHNEST_FUZZ_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_FUZZ_SEED;
}

/** mulberry32: tiny, fast, and good enough to pick test cases. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** A JSON text fragment (not a value): lets a case carry things JSON.stringify cannot produce. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Raw bytes inside a JSON string literal: invalid UTF-8 that no JS string can hold. */
export const INVALID_UTF8_SEQUENCES: readonly Buffer[] = [
  Buffer.from([0xff]),
  Buffer.from([0xfe, 0xff]),
  Buffer.from([0xc0, 0xaf]), // overlong "/"
  Buffer.from([0xe0, 0x80, 0xaf]), // overlong "/"
  Buffer.from([0xed, 0xa0, 0x80]), // UTF-16 surrogate encoded in UTF-8
  Buffer.from([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
  Buffer.from([0xe2, 0x82]), // truncated
  Buffer.from([0x80, 0x80, 0x80]), // lone continuation bytes
];

const INVALID_UTF8_MARK = '\u0001\u0002invalid-utf8\u0002\u0001';

/** Strings that have broken parsers, validators, shells and templates before. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  "' OR '1'='1' --",
  '"; DROP TABLE users; --',
  '$(touch /tmp/fuzz-pwned)',
  '`id`',
  'x;id|cat&&sleep 1\nwhoami',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}<%= 7*7 %>',
  '<script>alert(1)</script>',
  '\ud800', // lone surrogate
  '\udfff\ud800',
  '\u202egnp.exe',
  'ａｄｍｉｎ', // fullwidth lookalikes
  'аdmin', // Cyrillic а
  '\ufeffbom',
  '-rf',
  '--help',
  '/',
  '\\',
  '\r\n\r\nHTTP/1.1 200 OK',
  'NaN',
  'Infinity',
  'null',
  'true',
  '[object Object]',
  '0x7fffffff',
  '1e400',
  '-0',
  '9'.repeat(400),
];

export function hugeString(rng: Rng, max = 200_000): string {
  return rng.pick(['A', 'é', '\u0000', '🦊', '%', '"']).repeat(rng.int(1_000, max));
}

/** Nested arrays or objects, written as JSON text (JSON.stringify would recurse as deep). */
export function deepNesting(rng: Rng, depth = rng.int(100, 20_000)): RawJson {
  if (rng.chance(0.5)) {
    return new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`);
  }
  return new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
}

export const POLLUTION_FRAGMENTS: readonly RawJson[] = [
  new RawJson('{"__proto__":{"polluted":"yes"}}'),
  new RawJson('{"constructor":{"prototype":{"polluted":"yes"}}}'),
  new RawJson('{"__proto__":{"isAdmin":true,"role":"admin"},"a":1}'),
  new RawJson('{"prototype":{"polluted":"yes"}}'),
];

/** Any JSON value at all, favouring the hostile ones. */
export function hostileValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(0, 11)) {
    case 0:
      return rng.pick(HOSTILE_STRINGS);
    case 1:
      return hugeString(rng, 50_000);
    case 2:
      return rng.pick([0, -1, 1.5, -1e308, 1e308, 2 ** 53 + 1, Number.MIN_VALUE, 65536, 99999]);
    case 3:
      return rng.chance(0.5);
    case 4:
      return null;
    case 5:
      return depth > 2
        ? []
        : Array.from({ length: rng.int(0, 4) }, () => hostileValue(rng, depth + 1));
    case 6:
      return depth > 2
        ? {}
        : Object.fromEntries(
            Array.from({ length: rng.int(0, 3) }, () => [
              rng.pick(HOSTILE_STRINGS),
              hostileValue(rng, depth + 1),
            ]),
          );
    case 7:
      return deepNesting(rng);
    case 8:
      return rng.pick(POLLUTION_FRAGMENTS);
    case 9:
      return INVALID_UTF8_MARK;
    case 10:
      return Array.from({ length: rng.int(1_000, 20_000) }, () => 1);
    default:
      return rng.pick(HOSTILE_STRINGS) + rng.pick(HOSTILE_STRINGS);
  }
}

/** A value whose JSON type cannot satisfy a schema of this type. */
export function wrongTypeFor(rng: Rng, type: string | undefined): unknown {
  switch (type ?? 'object') {
    case 'string':
      return rng.pick<unknown>([{}, [], 12345, true, ['a'], { toString: 'x' }]);
    case 'number':
    case 'integer':
      return rng.pick<unknown>([{}, [], 'abc', true, '', 'NaN', '1e400', ['1']]);
    case 'boolean':
      return rng.pick<unknown>([{}, [], 'yes', 'maybe', 2, ['true']]);
    case 'array':
      return rng.pick<unknown>([{}, 'abc', 12, true, { 0: 'a', length: 1 }]);
    default:
      return rng.pick<unknown>(['abc', 12, true, ['a'], '']);
  }
}

/** Serialises a value that may hold RawJson fragments and invalid UTF-8 marks into bytes. */
export function toJsonBytes(value: unknown): Buffer {
  const fragments: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawJson) {
      fragments.push(v.text);
      return `\u0003raw${fragments.length - 1}\u0003`;
    }
    return v;
  });
  const withRaw = text.replace(/"\\u0003raw(\d+)\\u0003"/g, (_m, i: string) => fragments[+i] ?? '');
  const escapedMark = JSON.stringify(INVALID_UTF8_MARK).slice(1, -1);
  const parts = withRaw.split(escapedMark);
  const bytes: Buffer[] = [];
  parts.forEach((part, i) => {
    if (i > 0) {
      bytes.push(INVALID_UTF8_SEQUENCES[i % INVALID_UTF8_SEQUENCES.length]);
    }
    bytes.push(Buffer.from(part, 'utf8'));
  });
  return Buffer.concat(bytes);
}

export const INVALID_UTF8_VALUE = INVALID_UTF8_MARK;

/** Path segments (already URL-encoded where needed) that name nothing valid. */
export const HOSTILE_SEGMENTS: readonly string[] = [
  '1',
  '-1',
  'true',
  'null',
  'undefined',
  '%7B%7D',
  '%5B%5D',
  'not-a-uuid',
  '00000000-0000-4000-8000-00000000000g',
  '00000000-0000-4000-8000-0000000000000',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '.',
  '..',
  '%2E%2E',
  '%00',
  'a%00b',
  '%2F',
  '..%2F..%2Fetc%2Fpasswd',
  '%252F',
  '%FF',
  '%C0%AF',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%E2%82',
  '%E2%80%AE',
  '%EF%BD%97%EF%BD%85%EF%BD%82',
  '%20',
  '%09',
  '%0A',
  'x%3Bid',
  '%24(id)',
  '%60id%60',
  "'%20OR%20'1'%3D'1",
  '-rm',
  '--force',
  'a'.repeat(101),
  'b'.repeat(5_000),
  '%'.repeat(3),
  '%zz',
];

export function hostileSegment(rng: Rng): string {
  if (rng.chance(0.75)) {
    return rng.pick(HOSTILE_SEGMENTS);
  }
  // Random bytes, percent-encoded: mostly invalid UTF-8 and control characters.
  return Array.from({ length: rng.int(1, 24) }, () =>
    rng.chance(0.5)
      ? `%${rng.int(0, 255).toString(16).padStart(2, '0').toUpperCase()}`
      : rng.pick([...'abcXYZ09._-~!*()']),
  ).join('');
}

/** Query values that no integer, number or boolean parameter of this schema should accept. */
export function hostileQueryValue(rng: Rng, schema: { type?: string; maximum?: number }): string[] {
  const numbers = ['abc', '-1', '0', '1e400', 'NaN', 'Infinity', '-Infinity', '1.5e3000', '0b1'];
  const booleans = ['yes', 'no', '1', '0', 'TRUE', 'on', 'null', 'maybe'];
  const shared = ['%FF', '%C0%AF', '%00', 'x'.repeat(rng.int(300, 20_000)), '__proto__', '%7B%7D'];
  const isNumber = schema.type === 'number' || schema.type === 'integer';
  const value = rng.pick(
    isNumber
      ? [...numbers, ...shared, ...(schema.maximum === undefined ? [] : [`${schema.maximum + 1}`])]
      : [...booleans, ...shared],
  );
  // Repeated keys make arrays out of what should be one value.
  return rng.chance(0.15) ? [value, value] : [value];
}

export const POLLUTION_QUERY: readonly string[] = [
  '__proto__[polluted]=yes',
  '__proto__.polluted=yes',
  'constructor[prototype][polluted]=yes',
  'constructor.prototype.polluted=yes',
  '__proto__=%7B%22polluted%22%3A1%7D',
  'toString=1',
  'hasOwnProperty=1',
];
