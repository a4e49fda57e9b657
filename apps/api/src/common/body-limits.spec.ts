import { MAX_BODY_DEPTH, nestsDeeperThan } from './body-limits';

describe('nestsDeeperThan', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) {
      value = i % 2 ? [value] : { a: value };
    }
    return value;
  };

  it('lets scalars, flat and moderately nested bodies through', () => {
    expect(nestsDeeperThan(undefined, MAX_BODY_DEPTH)).toBe(false);
    expect(nestsDeeperThan('text', MAX_BODY_DEPTH)).toBe(false);
    expect(nestsDeeperThan({ a: [1, { b: null }] }, MAX_BODY_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_BODY_DEPTH), MAX_BODY_DEPTH)).toBe(false);
  });

  it('finds a body one level too deep, in objects and arrays', () => {
    expect(nestsDeeperThan(nested(MAX_BODY_DEPTH + 1), MAX_BODY_DEPTH)).toBe(true);
    expect(nestsDeeperThan({ ok: 1, deep: nested(40) }, MAX_BODY_DEPTH)).toBe(true);
  });

  it('walks a body far deeper than the stack allows without recursing', () => {
    expect(nestsDeeperThan(nested(200_000), MAX_BODY_DEPTH)).toBe(true);
  });
});
