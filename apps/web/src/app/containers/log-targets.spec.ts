import { describe, expect, it } from 'vitest';
import { mergeLabels, mergedLogsParams, parseLogTarget } from './log-targets';

describe('log targets', () => {
  it('round-trips a selection through the address of the merged view', () => {
    const rows = [
      { source: 'docker-tcp' as const, hostId: 'h1', name: 'web' },
      { source: 'docker-ssh' as const, hostId: 'ssh/with/slash', name: 'db' },
    ];
    const { c } = mergedLogsParams(rows);
    expect(c).toEqual(['docker-tcp/h1/web', 'docker-ssh/ssh/with/slash/db']);
    expect(c.map(parseLogTarget)).toEqual([
      { source: 'docker-tcp', hostId: 'h1', id: 'web', name: 'web' },
      { source: 'docker-ssh', hostId: 'ssh/with/slash', id: 'db', name: 'db' },
    ]);
  });

  it('refuses what is not source/host/ref', () => {
    for (const bad of [
      '',
      'web',
      'docker-tcp/web',
      'docker-tcp//web',
      'nope/h1/web',
      'docker-tcp/h1/',
    ]) {
      expect(parseLogTarget(bad)).toBeNull();
    }
  });

  it('labels repeated names with their host, as the server does', () => {
    expect(
      mergeLabels([
        { name: 'web', hostName: 'a' },
        { name: 'db', hostName: 'a' },
        { name: 'web', hostName: 'b' },
      ]),
    ).toEqual(['a/web', 'db', 'b/web']);
  });
});
