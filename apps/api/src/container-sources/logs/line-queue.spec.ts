import type { LogFollowLine } from '@archnest/contracts';
import { LineQueue } from './line-queue';

const line = (text: string): LogFollowLine => ({
  t: '2026-12-07T00:00:00Z',
  stream: 'stdout',
  text,
});

describe('LineQueue', () => {
  it('hands out the oldest lines first, a frame at a time', () => {
    const queue = new LineQueue({ maxLines: 10, maxChars: 1000 });
    ['a', 'b', 'c'].forEach((text) => queue.push(line(text)));
    expect(queue.take(2)).toEqual({ dropped: 0, lines: [line('a'), line('b')] });
    expect(queue.take(2)).toEqual({ dropped: 0, lines: [line('c')] });
    expect(queue.size).toBe(0);
  });

  it('drops the oldest waiting lines past the line limit and reports them once', () => {
    const queue = new LineQueue({ maxLines: 3, maxChars: 1000 });
    for (let i = 1; i <= 5; i++) {
      queue.push(line(`l${i}`));
    }
    expect(queue.take(10)).toEqual({ dropped: 2, lines: ['l3', 'l4', 'l5'].map(line) });
    queue.push(line('l6'));
    expect(queue.take(10)).toEqual({ dropped: 0, lines: [line('l6')] });
  });

  it('drops past the text limit too, and stays bounded over many lines', () => {
    const queue = new LineQueue({ maxLines: 100_000, maxChars: 50 });
    for (let i = 0; i < 50_000; i++) {
      queue.push(line('0123456789'));
    }
    expect(queue.size).toBe(5);
    const { dropped, lines } = queue.take(100);
    expect([dropped, lines.length]).toEqual([49_995, 5]);
  });
});
