import { describe, expect, it } from 'vitest';
import { parseAnsi } from './ansi';

describe('parseAnsi', () => {
  it('keeps plain text as one unstyled segment', () => {
    expect(parseAnsi('hello world')).toEqual([
      { text: 'hello world', classes: '', color: null, background: null },
    ]);
  });

  it('turns colour and style codes into classes and resets them', () => {
    const segments = parseAnsi('\x1b[1;31mERROR\x1b[0m done \x1b[92;44mok\x1b[39;49m plain');
    expect(segments.map((s) => [s.text, s.classes])).toEqual([
      ['ERROR', 'ansi-fg-1 ansi-bold'],
      [' done ', ''],
      ['ok', 'ansi-fg-10 ansi-bg-4'],
      [' plain', ''],
    ]);
  });

  it('maps 256-colour and true-colour codes to rgb() built from numbers', () => {
    const [named, cube, grey, truecolour] = parseAnsi(
      '\x1b[38;5;3ma\x1b[38;5;196mb\x1b[48;5;244mc\x1b[0;38;2;10;20;30md',
    );
    expect(named).toMatchObject({ text: 'a', classes: 'ansi-fg-3', color: null });
    expect(cube).toMatchObject({ text: 'b', color: 'rgb(255, 0, 0)' });
    expect(grey).toMatchObject({ text: 'c', background: 'rgb(128, 128, 128)' });
    expect(truecolour).toMatchObject({ text: 'd', classes: '', color: 'rgb(10, 20, 30)' });
  });

  it('ignores out-of-range extended colours instead of emitting them', () => {
    expect(parseAnsi('\x1b[38;2;999;0;0mx')).toEqual([
      { text: 'x', classes: '', color: null, background: null },
    ]);
  });

  it('drops cursor movement, OSC titles and control characters but keeps the text', () => {
    expect(parseAnsi('\x1b]0;title\x07\x1b[2K\x1b[1Gready\r\x1b[?25l!').map((s) => s.text)).toEqual(
      ['ready', '!'],
    );
  });

  it('never produces markup: angle brackets stay text', () => {
    const [segment] = parseAnsi('\x1b[32m<img src=x onerror=alert(1)>');
    expect(segment).toMatchObject({ text: '<img src=x onerror=alert(1)>', classes: 'ansi-fg-2' });
  });

  it('swaps colours for inverse video', () => {
    const [segment] = parseAnsi('\x1b[7;31mhi');
    expect(segment?.classes).toBe('ansi-fg-inverse ansi-bg-1');
  });
});
