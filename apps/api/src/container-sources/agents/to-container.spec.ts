import type { AgentContainer } from '@archnest/contracts';
import { namesOf } from './inventory-names';
import {
  findContainer,
  maskedContainer,
  toContainerDetail,
  withStats,
  withSteadyStats,
} from './to-container';

function container(id: string, name: string): AgentContainer {
  return {
    id,
    name,
    image: 'nginx:1.27',
    imageId: 'sha256:abc',
    state: 'running',
    status: 'Up 1 minute',
    createdAt: '2026-06-20T19:00:00Z',
    startedAt: '2026-06-20T19:00:01Z',
    restartCount: 0,
    restartPolicy: 'no',
    health: 'none',
    ports: [],
    networks: [],
    mounts: [],
    env: [
      { key: 'DB_PASSWORD', value: 'hunter2' },
      { key: 'TZ', value: 'UTC' },
    ],
    command: 'nginx',
    labels: {},
    stats: null,
  };
}

const A = container('a'.repeat(64), 'web');
const B = container(`${'a'.repeat(12)}${'b'.repeat(52)}`, 'db');

describe('findContainer', () => {
  it('finds by full id or name', () => {
    expect(findContainer([A, B], B.id)).toBe(B);
    expect(findContainer([A, B], 'web')).toBe(A);
  });

  it('finds by a unique id prefix of 12+ characters only', () => {
    expect(findContainer([A, B], 'a'.repeat(13))).toBe(A);
    expect(findContainer([A, B], 'a'.repeat(12))).toBeUndefined();
    expect(findContainer([A, B], 'aaaa')).toBeUndefined();
  });
});

describe('masking on the server', () => {
  it('masks secret env values even if the agent did not', () => {
    expect(maskedContainer(A).env).toEqual([
      { key: 'DB_PASSWORD', value: '********' },
      { key: 'TZ', value: 'UTC' },
    ]);
    expect(JSON.stringify(toContainerDetail(A))).not.toContain('hunter2');
  });

  it('maps what the agent cannot know to null', () => {
    const detail = toContainerDetail(A);
    expect(detail.exitCode).toBeNull();
    expect(detail.entrypoint).toBeNull();
    expect(detail.restartPolicy).toBe('no');
  });
});

describe('steady stats over the inventory', () => {
  const web = container('a'.repeat(64), 'web');
  const db = container('b'.repeat(64), 'db');
  const figures: [number, number, number, number, number, number, number] = [5, 6, 7, 8, 9, 10, 11];

  it('puts each steady entry on the container its id prefix names; unlisted ones have none', () => {
    const merged = withSteadyStats(
      [web, db],
      [{ id: 'a'.repeat(12), status: 'Up 2 hours', stats: figures }],
    );
    expect(merged.map((c) => [c.name, c.status, c.stats])).toEqual([
      [
        'web',
        'Up 2 hours',
        {
          cpuPercent: 5,
          memUsage: 6,
          memLimit: 7,
          netRxBytes: 8,
          netTxBytes: 9,
          blockReadBytes: 10,
          blockWriteBytes: 11,
        },
      ],
      ['db', 'Up 1 minute', null],
    ]);
  });

  it('ignores an entry whose longer id does not match the container', () => {
    const merged = withSteadyStats(
      [web],
      [{ id: `${'a'.repeat(12)}ff`, status: 'Up 2 hours', stats: figures }],
    );
    expect(merged[0].stats).toBeNull();
  });

  it('labels steady stats with the inventory names for the metrics history', () => {
    const names = namesOf([web, db]);
    expect(
      withStats(names, [
        { id: 'b'.repeat(12), status: 'Up 1 hour', stats: figures },
        { id: 'c'.repeat(12), status: 'Up 1 hour', stats: figures },
      ]),
    ).toEqual([
      {
        name: 'db',
        image: 'nginx:1.27',
        stats: expect.objectContaining({ cpuPercent: 5 }) as unknown,
      },
    ]);
  });
});
