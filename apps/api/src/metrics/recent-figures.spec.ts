import { RecentFigures } from './recent-figures';

describe('RecentFigures', () => {
  it('keeps nothing until a window is asked for', () => {
    const recent = new RecentFigures();
    recent.add('agent', 'h1', 'web', 100, 50, 10);
    recent.retain(60);
    expect(recent.averages(0, 1_000).size).toBe(0);
  });

  it('averages the samples of the window that reach back far enough', () => {
    const recent = new RecentFigures();
    recent.retain(60);
    for (const [t, cpu] of [
      [100, 10],
      [130, 30],
      [160, 50],
    ]) {
      recent.add('agent', 'h1', 'web', t, cpu, 20);
      recent.add('agent', 'h1', 'new', t + 20, cpu, null);
    }
    recent.add('agent', 'h1', 'web', 95, 999, 20); // late: the window has moved on
    expect(recent.averages(125, 140).get('agent\nh1')).toEqual(
      new Map([['web', { cpu: 40, mem: 20 }]]),
    );
    expect(recent.averages(100, 140).get('agent\nh1')?.get('new')).toEqual({ cpu: 30, mem: null });
  });

  it('drops samples older than it keeps, and covers only windows it keeps', () => {
    const recent = new RecentFigures();
    recent.retain(30);
    recent.add('agent', 'h1', 'web', 100, 90, null);
    recent.add('agent', 'h1', 'web', 200, 10, null);
    const web = (cpu: number) => new Map([['agent\nh1', new Map([['web', { cpu, mem: null }]])]]);
    expect(recent.averages(0, 1_000)).toEqual(web(50));
    expect(recent.averages(180, 1_000)).toEqual(web(10)); // and t=100 is dropped
    expect(recent.averages(0, 1_000)).toEqual(web(10));
    expect(recent.covers(30)).toBe(true);
    expect(recent.covers(31)).toBe(false);
    recent.retain(100_000);
    expect(recent.covers(900)).toBe(true);
    expect(recent.covers(901)).toBe(false);
  });
});
