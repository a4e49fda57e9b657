import { LineSplitter, LOG_LINE_MAX, RFC3339_TIME } from './log-lines';

describe('LineSplitter', () => {
  it('splits across chunks and multi-byte characters, dropping a trailing \\r', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const euro = Buffer.from('€');
    splitter.write(Buffer.concat([Buffer.from('a\r\nb'), euro.subarray(0, 1)]));
    splitter.write(Buffer.concat([euro.subarray(1), Buffer.from('\nc')]));
    splitter.end();
    expect(lines).toEqual(['a', 'b€', 'c']);
  });

  it('cuts a line that never ends and holds nothing more of it', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 800; i++) {
      splitter.write(chunk); // 50 MB without a newline
    }
    expect(lines).toHaveLength(1);
    expect(lines[0].length).toBeGreaterThan(LOG_LINE_MAX);
    expect(lines[0].length).toBeLessThan(LOG_LINE_MAX + 100);
    splitter.write(Buffer.from('xxx\nnext\n'));
    splitter.end();
    expect(lines.slice(1)).toEqual(['next']);
  });
});

describe('RFC3339_TIME', () => {
  it.each(['2026-12-07T10:00:00Z', '2026-12-07T10:00:00.123456789Z', '2026-12-07T10:00:00+01:00'])(
    'takes %s',
    (time) => expect(RFC3339_TIME.test(time)).toBe(true),
  );
  it.each(['2026-W49', '2026-341', '20261207T1000', '2026-12-07T10:00:00,5Z', '2026-12-07'])(
    'refuses %s',
    (time) => expect(RFC3339_TIME.test(time)).toBe(false),
  );
});
