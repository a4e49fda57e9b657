import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteShellArg, toShellCommand } from './shell-quote';

describe('shell quoting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'archnest-quote-'));
  const sentinel = join(dir, 'sentinel');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const hostile = [
    `'; touch ${sentinel}; '`,
    `$(touch ${sentinel})`,
    `\`touch ${sentinel}\``,
    `x\ntouch ${sentinel}`,
    `"; touch ${sentinel}; "`,
    `-rf`,
    `a'b"c\\d`,
    `$HOME \${PATH} * ? [a] ~ & | > < ( ) { } ! #`,
    'ünïcødé 😀',
    '',
  ];

  it.each(hostile)('passes %j to a real sh as one literal argument', (value) => {
    const out = execFileSync('sh', ['-c', toShellCommand(['printf', '%s', value])]).toString();
    expect(out).toBe(value);
    expect(existsSync(sentinel)).toBe(false);
  });

  it('quotes every element, including safe ones', () => {
    expect(toShellCommand(['docker', 'ps', '-a'])).toBe(`'docker' 'ps' '-a'`);
    expect(quoteShellArg(`it's`)).toBe(`'it'\\''s'`);
  });

  it('refuses NUL bytes and empty commands', () => {
    expect(() => quoteShellArg('a\0b')).toThrow(/NUL/);
    expect(() => toShellCommand([])).toThrow(/empty/);
  });
});
