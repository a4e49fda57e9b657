import { isContainerRef } from './container-ref';

describe('isContainerRef', () => {
  it.each(['web', 'my.app_1', 'a-b', 'A1', 'a'.repeat(12), 'f'.repeat(64), '0123456789ab'])(
    'accepts %s',
    (ref) => expect(isContainerRef(ref)).toBe(true),
  );

  it.each([
    '',
    'a',
    '-rm',
    '.hidden',
    '_x',
    '../etc',
    'a/b',
    '%2F',
    'a b',
    "a'b",
    'a;b',
    'a$(id)',
    'a`id`',
    'a\nb',
    'ünï',
    'x'.repeat(200),
  ])('refuses %j', (ref) => expect(isContainerRef(ref)).toBe(false));

  it('refuses non-strings', () => {
    expect(isContainerRef(42)).toBe(false);
    expect(isContainerRef(undefined)).toBe(false);
  });
});
