import { describe, expect, it } from 'vitest';
import { sparklinePath } from './sparkline';

describe('sparklinePath', () => {
  it('runs from the bottom (0) to the top (max) across the width', () => {
    expect(sparklinePath([0, 5, 10], 10)).toBe('M0.0 18.5 L32.0 10.0 L64.0 1.5');
  });

  it('breaks the line at a gap and draws a value alone between gaps as a dot', () => {
    const path = sparklinePath([1, 2, null, 3, null, 4, 5], 5);
    expect(path.match(/M/g)).toHaveLength(3);
    expect(path).toContain('h0.01');
    expect(path.split(' M')[0]).toMatch(/^M\S+ \S+ L\S+ \S+$/);
  });

  it('draws nothing for no values or only gaps', () => {
    expect(sparklinePath([], 1)).toBe('');
    expect(sparklinePath([null, null], 1)).toBe('');
  });
});
