import type { EngineStats } from '../docker-json/engine-types';
import { PreviousSamples } from './previous-samples';

const T0 = Date.parse('2026-06-20T19:30:00Z');

function sample(offsetMs: number, total: number, id = 'c1'): EngineStats {
  return {
    id,
    read: new Date(T0 + offsetMs).toISOString(),
    cpu_stats: { cpu_usage: { total_usage: total }, system_cpu_usage: 1e9 + offsetMs * 1e6 },
  };
}

describe('PreviousSamples', () => {
  it('offers the previous counters of the same container within 0.5-30 s', () => {
    const samples = new PreviousSamples();
    samples.keep('h/web', sample(0, 100));
    expect(samples.before('h/web', sample(500, 150))).toEqual(sample(0, 100).cpu_stats);
    expect(samples.before('h/web', sample(1000, 150))).toEqual(sample(0, 100).cpu_stats);
    // The console refreshes a table every 10 s, and queues rows behind each other.
    expect(samples.before('h/web', sample(12_500, 150))).toEqual(sample(0, 100).cpu_stats);
    expect(samples.before('h/web', sample(30_000, 150))).not.toBeNull();
  });

  it('refuses windows that are too short or too long, or nothing kept', () => {
    const samples = new PreviousSamples();
    expect(samples.before('h/web', sample(1000, 150))).toBeNull();
    samples.keep('h/web', sample(0, 100));
    expect(samples.before('h/web', sample(200, 150))).toBeNull();
    expect(samples.before('h/web', sample(30_001, 150))).toBeNull();
  });

  it('refuses a sample of another container under the same name, or one that restarted', () => {
    const samples = new PreviousSamples();
    samples.keep('h/web', sample(0, 100));
    expect(samples.before('h/web', sample(1000, 150, 'c2'))).toBeNull();
    expect(samples.before('h/web', sample(1000, 50))).toBeNull();
  });

  it('forgets the oldest containers beyond its bound', () => {
    const samples = new PreviousSamples(2);
    samples.keep('a', sample(0, 1));
    samples.keep('b', sample(0, 1));
    samples.keep('a', sample(0, 1));
    samples.keep('c', sample(0, 1));
    expect(samples.before('b', sample(1000, 2))).toBeNull();
    expect(samples.before('a', sample(1000, 2))).not.toBeNull();
    expect(samples.before('c', sample(1000, 2))).not.toBeNull();
  });
});
