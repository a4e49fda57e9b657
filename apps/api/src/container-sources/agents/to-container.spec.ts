import type { AgentContainer } from '@archnest/contracts';
import { findContainer, maskedContainer, toContainerDetail } from './to-container';

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
