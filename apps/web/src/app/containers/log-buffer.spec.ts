import { describe, expect, it } from 'vitest';
import { LogBuffer, type IncomingLine, formatLogTime, logFileText } from './log-buffer';
import { compileSearch } from './log-search';

const out = (text: string, extra: Partial<IncomingLine> = {}): IncomingLine => ({
  t: '2026-12-07T10:00:00.123456789Z',
  stream: 'stdout',
  text,
  ...extra,
});
const err = (text: string) => out(text, { stream: 'stderr' });
const texts = (buffer: LogBuffer) =>
  buffer.visible.map((e) => (e.kind === 'line' ? e.plain : `[${e.text}]`));

describe('LogBuffer', () => {
  it('parses a line once on arrival: segments, plain and lowercase text, time, colour', () => {
    const buffer = new LogBuffer();
    buffer.append([out('\x1b[32mReady\x1b[0m on :80', { container: 'web' })]);
    const [entry] = buffer.visible;
    expect(entry).toMatchObject({
      kind: 'line',
      plain: 'Ready on :80',
      lower: 'ready on :80',
      container: 'web',
      colour: 0,
      stream: 'stdout',
    });
    expect(entry.kind === 'line' && entry.segments[0].classes).toBe('ansi-fg-2');
    expect(entry.kind === 'line' && entry.time).toMatch(/^2026-12-0[67] \d\d:\d\d:00\.123$/);
  });

  it('gives each container of a merge its own colour, in the order of `ready`', () => {
    const buffer = new LogBuffer();
    buffer.assignColours(['db', 'web']);
    buffer.append([out('a', { container: 'web' }), out('b', { container: 'db' })]);
    expect(buffer.visible.map((e) => e.kind === 'line' && e.colour)).toEqual([1, 0]);
  });

  it('keeps at most `cap` entries, dropping the oldest, and says how many visible rows went', () => {
    const buffer = new LogBuffer(5);
    buffer.append(['1', '2', '3'].map((t) => out(t)));
    expect(buffer.append(['4', '5', '6', '7'].map((t) => out(t)))).toBe(2);
    expect(texts(buffer)).toEqual(['3', '4', '5', '6', '7']);
    expect(buffer.size).toBe(5);
    expect(buffer.evicted).toBe(2);
    expect(buffer.mark('end', 'Follow ended')).toBe(1);
    expect(texts(buffer)).toEqual(['4', '5', '6', '7', '[Follow ended]']);
    expect(buffer.lineCount).toBe(4);
  });

  it('holds 100,000 lines by default and stays there', () => {
    const buffer = new LogBuffer();
    const batch = Array.from({ length: 500 }, (_, i) => out(`line ${i}`));
    for (let i = 0; i < 202; i++) {
      buffer.append(batch);
    }
    expect(buffer.size).toBe(100_000);
    expect(buffer.visible).toHaveLength(100_000);
    expect(buffer.evicted).toBe(1000);
  });

  it('filters by stream (markers stay) and evicts hidden lines without touching the view', () => {
    const buffer = new LogBuffer(4);
    buffer.append([out('o1'), err('e1'), out('o2')]);
    buffer.setFilter('stderr');
    expect(texts(buffer)).toEqual(['e1']);
    buffer.mark('dropped', '3 lines dropped');
    expect(texts(buffer)).toEqual(['e1', '[3 lines dropped]']);
    // o1 goes: it was not visible, so no visible row moved.
    expect(buffer.append([out('o3')])).toBe(0);
    expect(buffer.lineCount).toBe(1);
    buffer.setFilter('all');
    expect(texts(buffer)).toEqual(['e1', 'o2', '[3 lines dropped]', 'o3']);
  });

  it('keeps the matches of the search up to date as lines arrive, filter and cap change', () => {
    const buffer = new LogBuffer(4);
    buffer.append([out('GET /a 200'), err('GET /b 500'), out('POST /c 201')]);
    buffer.setMatcher(compileSearch('get', false).matcher);
    expect(buffer.matches).toHaveLength(2);
    buffer.append([out('get /d 200')]);
    expect(buffer.matches).toHaveLength(3);
    buffer.setFilter('stdout');
    expect(buffer.matches).toHaveLength(2);
    buffer.setFilter('all');
    buffer.append([out('GET /e 200')]); // evicts the first GET
    expect(buffer.matches.map((id) => buffer.visible[buffer.indexOf(id)])).toMatchObject([
      { plain: 'GET /b 500' },
      { plain: 'get /d 200' },
      { plain: 'GET /e 200' },
    ]);
    buffer.setMatcher(compileSearch('^POST', true).matcher);
    expect(buffer.matches).toHaveLength(1);
    buffer.setMatcher(null);
    expect(buffer.matches).toHaveLength(0);
  });

  it('finds an entry by id and forgets everything on clear', () => {
    const buffer = new LogBuffer();
    buffer.append([out('a'), out('b'), out('c')]);
    const id = buffer.visible[2].id;
    expect(buffer.indexOf(id)).toBe(2);
    expect(buffer.indexOf(id + 100)).toBe(-1);
    buffer.clear();
    expect(buffer.visible).toHaveLength(0);
    expect(buffer.indexOf(id)).toBe(-1);
  });
});

describe('logFileText', () => {
  it('writes plain text, with timestamps and container names when asked, markers as comments', () => {
    const buffer = new LogBuffer();
    buffer.append([out('\x1b[31mred\x1b[0m', { container: 'web' }), err('oops')]);
    buffer.mark('dropped', '12 lines dropped: the console read too slowly');
    expect(logFileText(buffer.entries(false), { timestamps: true })).toBe(
      '2026-12-07T10:00:00.123456789Z [web] red\n' +
        '2026-12-07T10:00:00.123456789Z oops\n' +
        '--- 12 lines dropped: the console read too slowly ---\n',
    );
    buffer.setFilter('stderr');
    expect(logFileText(buffer.entries(true), { timestamps: false })).toBe(
      'oops\n--- 12 lines dropped: the console read too slowly ---\n',
    );
  });
});

describe('formatLogTime', () => {
  it('shows local time to the millisecond, and nothing for a missing or bad time', () => {
    expect(formatLogTime('2026-12-07T10:00:00.5Z')).toMatch(/^2026-12-0[67] \d\d:\d\d:00\.500$/);
    expect(formatLogTime(null)).toBe('');
    expect(formatLogTime('yesterday')).toBe('');
  });
});
