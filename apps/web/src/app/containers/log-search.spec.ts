import { describe, expect, it } from 'vitest';
import { parseAnsi } from './ansi';
import { compileSearch, highlight, type LineMatcher } from './log-search';

const line = (plain: string) => ({ plain, lower: plain.toLowerCase() });

function matcherOf(query: string, regex = false): LineMatcher {
  const compiled = compileSearch(query, regex);
  expect(compiled.error).toBeNull();
  return compiled.matcher!;
}

describe('compileSearch', () => {
  it('matches text case-insensitively and finds every occurrence', () => {
    const m = matcherOf('Error');
    expect(m.test(line('an ERROR and an error'))).toBe(true);
    expect(m.test(line('all fine'))).toBe(false);
    expect(m.ranges(line('an ERROR and an error'))).toEqual([
      [3, 8],
      [16, 21],
    ]);
  });

  it('treats regex characters literally unless the regex toggle is on', () => {
    expect(matcherOf('a.c').test(line('abc'))).toBe(false);
    expect(matcherOf('a.c').test(line('a.c'))).toBe(true);
    expect(matcherOf('a.c', true).test(line('ABC'))).toBe(true);
    expect(matcherOf('\\d{3}', true).ranges(line('GET / 200 in 12ms, 404'))).toEqual([
      [6, 9],
      [19, 22],
    ]);
  });

  it('answers an invalid regular expression with an error sentence instead of throwing', () => {
    const compiled = compileSearch('(unclosed', true);
    expect(compiled.matcher).toBeNull();
    expect(compiled.error).toMatch(/^Not a valid regular expression: /);
    // The same text is fine as plain text.
    expect(compileSearch('(unclosed', false).error).toBeNull();
  });

  it('has no matcher for an empty query', () => {
    expect(compileSearch('', true)).toEqual({ matcher: null, error: null });
  });

  it('survives patterns that match the empty string (no endless loop, nothing highlighted)', () => {
    const m = matcherOf('x*', true);
    expect(m.test(line('abc'))).toBe(true);
    expect(m.ranges(line('abc'))).toEqual([]);
    expect(m.ranges(line('axxb'))).toEqual([[1, 3]]);
    expect(matcherOf('^', true).ranges(line('abc'))).toEqual([]);
  });
});

describe('highlight', () => {
  it('splits ANSI segments at the hits and keeps their colours', () => {
    const segments = parseAnsi('GET \x1b[31m/api/errors\x1b[0m done');
    const parts = highlight(segments, [[7, 12]]);
    expect(parts.map((p) => [p.text, p.hit, p.classes])).toEqual([
      ['GET ', false, ''],
      ['/ap', false, 'ansi-fg-1'],
      ['i/err', true, 'ansi-fg-1'],
      ['ors', false, 'ansi-fg-1'],
      [' done', false, ''],
    ]);
  });

  it('lets a hit span several segments', () => {
    const segments = parseAnsi('ab\x1b[1mcd\x1b[0mef');
    const parts = highlight(segments, [[1, 5]]);
    expect(parts.filter((p) => p.hit).map((p) => p.text)).toEqual(['b', 'cd', 'e']);
    expect(parts.map((p) => p.text).join('')).toBe('abcdef');
  });
});
