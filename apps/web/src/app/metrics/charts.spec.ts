import { describe, expect, it } from 'vitest';
import {
  BYTE_TICKS,
  CONTAINER_CHARTS,
  CPU,
  type ChartData,
  REFERENCE_REACH,
  bridgeCadence,
  tickLabel,
  yRange,
} from './charts';
import { MIB } from './testing';

const MEMORY = CONTAINER_CHARTS.find((spec) => spec.caption === 'Memory')!;
const GIB = 1024 * MIB;

/** A memory chart's columns: the usage and the limit, one value per step. */
function memory(used: (number | null)[], limit: number): ChartData {
  return [used.map((_, i) => i * 60), used, used.map((value) => (value === null ? null : limit))];
}

describe('yRange (the y scale of a chart)', () => {
  it('scales memory to the usage when the limit is far: no limit reads as the host RAM', () => {
    const data = memory([200 * MIB, 250 * MIB, 180 * MIB], 23.5 * GIB);
    expect(yRange(MEMORY, data, 0, 2)).toEqual([0, 250 * MIB * 1.1]);
  });

  it('draws the limit when it is within reach of the highest usage', () => {
    const data = memory([200 * MIB, 250 * MIB, 180 * MIB], 512 * MIB);
    expect(yRange(MEMORY, data, 0, 2)).toEqual([0, 512 * MIB * 1.1]);
    // Just below REFERENCE_REACH × the usage it is drawn; at it, it is not.
    const near = memory([100 * MIB], REFERENCE_REACH * 100 * MIB - 1);
    expect(yRange(MEMORY, near, 0, 0)[1]).toBeGreaterThan(REFERENCE_REACH * 100 * MIB);
    const far = memory([100 * MIB], REFERENCE_REACH * 100 * MIB);
    expect(yRange(MEMORY, far, 0, 0)).toEqual([0, 100 * MIB * 1.1]);
  });

  it('judges by the usage in view: zoomed away from a peak, a far limit leaves the scale', () => {
    const data = memory([40 * MIB, 300 * MIB, 50 * MIB, 60 * MIB], 1 * GIB);
    expect(yRange(MEMORY, data, 0, 3)).toEqual([0, 1 * GIB * 1.1]);
    expect(yRange(MEMORY, data, 2, 3)).toEqual([0, 60 * MIB * 1.1]);
  });

  it('keeps the floor while nothing is used, whatever the limit', () => {
    expect(yRange(MEMORY, memory([0, null], 512 * MIB), 0, 1)).toEqual([0, MEMORY.floor]);
    expect(
      yRange(
        CPU,
        [
          [0, 60],
          [null, undefined],
        ],
        0,
        1,
      ),
    ).toEqual([0, 1]);
    expect(
      yRange(
        CPU,
        [
          [0, 60],
          [12, 30],
        ],
        0,
        1,
      )[1],
    ).toBeCloseTo(33);
  });
});

describe('bridgeCadence (a source sampling less often than the step)', () => {
  it("spans the steps between an agent's reports, not a longer silence", () => {
    // Every other step, then four steps missing (a report or more lost), then every other again.
    const column = [10, null, 20, null, 30, null, null, null, null, 40, null, 50, null];
    expect(bridgeCadence(column)).toStrictEqual([
      10,
      undefined,
      20,
      undefined,
      30,
      null,
      null,
      null,
      null,
      40,
      undefined,
      50,
      null,
    ]);
  });

  it('allows some jitter in the spacing (a report a little late)', () => {
    const column = [1, null, null, null, 2, null, null, null, null, 3, null, null, null, 4];
    expect(bridgeCadence(column).filter((value) => value === null)).toEqual([]);
  });

  it('keeps every gap of a series sampled every step, and of one too short to know', () => {
    expect(bridgeCadence([1, 2, null, 3, 4, null, null, 5])).toStrictEqual([
      1,
      2,
      null,
      3,
      4,
      null,
      null,
      5,
    ]);
    expect(bridgeCadence([null, 10, null, 30, null])).toStrictEqual([null, 10, null, 30, null]);
  });
});

describe('y axis ticks', () => {
  it('steps bytes at powers of 2 and labels them without a trailing ".0"', () => {
    expect(MEMORY.ticks).toBe(BYTE_TICKS);
    expect(BYTE_TICKS).toContain(128 * MIB);
    expect(BYTE_TICKS).not.toContain(10 ** 8);
    expect([0, 128 * MIB, 256 * MIB, 1.5 * GIB].map((v) => tickLabel(MEMORY, v))).toEqual([
      '0 B',
      '128 MiB',
      '256 MiB',
      '1.5 GiB',
    ]);
    expect(tickLabel(CPU, 20)).toBe('20 %');
  });
});
