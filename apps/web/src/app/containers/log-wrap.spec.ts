import { describe, expect, it } from 'vitest';
import { LogBuffer } from './log-buffer';
import {
  LogRowLayout,
  ROW_HEIGHT,
  WRAP_STORAGE_KEY,
  loadWrap,
  saveWrap,
  visualLines,
} from './log-wrap';

function rows(...texts: string[]) {
  const buffer = new LogBuffer();
  buffer.append(texts.map((text) => ({ t: null, stream: 'stdout' as const, text })));
  return buffer.visible;
}

describe('the wrap preference', () => {
  it('is off until set, then remembered in localStorage', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    expect(loadWrap(storage)).toBe(false);
    saveWrap(true, storage);
    expect(store.get(WRAP_STORAGE_KEY)).toBe('on');
    expect(loadWrap(storage)).toBe(true);
    saveWrap(false, storage);
    expect(loadWrap(storage)).toBe(false);
  });
});

describe('visualLines', () => {
  it('counts the cells of the text, the time, the chip, tabs and wide characters', () => {
    const [short, long, tabbed, wide] = rows('abc', 'x'.repeat(25), '\tab', '日本語');
    expect(visualLines(short, 10, false)).toBe(1);
    expect(visualLines(long, 10, false)).toBe(3);
    expect(visualLines(tabbed, 10, false)).toBe(1);
    expect(visualLines(tabbed, 9, false)).toBe(2);
    expect(visualLines(wide, 5, false)).toBe(2);
    expect(visualLines(long, 0, false)).toBe(1);
    const buffer = new LogBuffer();
    buffer.append([
      { t: '2026-12-07T10:00:00Z', stream: 'stdout', text: 'x'.repeat(10), container: 'web' },
    ]);
    // 23 cells of time + 1, 3 + 3 of chip, 10 of text = 40.
    expect(visualLines(buffer.visible[0], 40, true)).toBe(1);
    expect(visualLines(buffer.visible[0], 39, true)).toBe(2);
    expect(visualLines(buffer.visible[0], 39, false)).toBe(1);
  });
});

describe('LogRowLayout', () => {
  it('is fixed rows unwrapped, text-computed heights wrapped', () => {
    const entries = rows('a', 'b'.repeat(30), 'c');
    const layout = new LogRowLayout();
    layout.update(entries, { wrap: false, columns: 10, timestamps: false });
    expect(layout.total).toBe(3 * ROW_HEIGHT);
    expect(layout.offsetOf(2)).toBe(2 * ROW_HEIGHT);
    expect(layout.indexAt(45)).toBe(2);
    layout.update(entries, { wrap: true, columns: 10, timestamps: false });
    expect(layout.wrapped).toBe(true);
    expect(layout.total).toBe(5 * ROW_HEIGHT);
    expect([0, 1, 2, 3].map((i) => layout.offsetOf(i))).toEqual([0, 20, 80, 100]);
    expect(layout.heightOf(1)).toBe(60);
    expect(layout.heightOfEntry(entries[1])).toBe(60);
    expect([0, 19, 20, 79, 80, 999].map((y) => layout.indexAt(y))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('lays out 100,000 rows quickly', () => {
    const buffer = new LogBuffer();
    buffer.append(
      Array.from({ length: 100_000 }, (_, i) => ({
        t: null,
        stream: 'stdout' as const,
        text: 'x'.repeat(i % 300),
      })),
    );
    const layout = new LogRowLayout();
    const started = performance.now();
    layout.update(buffer.visible, { wrap: true, columns: 120, timestamps: false });
    layout.update(buffer.visible, { wrap: true, columns: 80, timestamps: false });
    expect(performance.now() - started).toBeLessThan(500);
    expect(layout.indexAt(layout.total - 1)).toBe(99_999);
  });
});
