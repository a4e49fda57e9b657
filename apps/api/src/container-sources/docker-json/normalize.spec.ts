import type { EngineInspect } from './engine-types';
import { joinArgv, toContainerDetail, toContainerSummary, toEnv } from './normalize';

const ID = 'a'.repeat(64);
const now = new Date('2026-06-20T19:30:00Z');

function inspect(overrides: Partial<EngineInspect> = {}): EngineInspect {
  return {
    Id: ID,
    Name: '/web',
    Created: '2026-06-20T16:00:00.123456789Z',
    Image: 'sha256:feed',
    RestartCount: 2,
    State: {
      Status: 'running',
      Running: true,
      ExitCode: 0,
      StartedAt: '2026-06-20T16:30:00Z',
      FinishedAt: '0001-01-01T00:00:00Z',
    },
    HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } },
    Mounts: [
      {
        Type: 'volume',
        Name: 'web_data',
        Source: '/var/lib/docker/volumes/x',
        Destination: '/data',
        RW: true,
      },
      { Type: 'bind', Source: '/etc/web', Destination: '/conf', RW: false },
    ],
    Config: {
      Image: 'nginx:1.27',
      Env: ['DB_PASSWORD=hunter2', 'PATH=/usr/bin:/bin', 'EMPTY=', 'A=b=c'],
      Cmd: ['nginx', '-g', 'daemon off;'],
      Entrypoint: ['/docker-entrypoint.sh'],
      Labels: { 'com.docker.compose.project': 'web' },
    },
    NetworkSettings: {
      Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '443/tcp': null },
      Networks: { bridge: { IPAddress: '172.17.0.2' }, none: { IPAddress: '' } },
    },
    ...overrides,
  };
}

describe('toContainerDetail', () => {
  it('maps inspect to the shared detail, env masked', () => {
    expect(toContainerDetail(inspect(), now)).toEqual({
      id: ID,
      name: 'web',
      image: 'nginx:1.27',
      state: 'running',
      status: 'Up 3 hours',
      createdAt: '2026-06-20T16:00:00.123Z',
      ports: [
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' },
        { hostIp: null, hostPort: null, containerPort: 443, proto: 'tcp' },
      ],
      stats: null,
      imageId: 'sha256:feed',
      startedAt: '2026-06-20T16:30:00.000Z',
      finishedAt: null,
      exitCode: null,
      restartCount: 2,
      restartPolicy: 'on-failure:3',
      health: 'none',
      networks: [
        { name: 'bridge', ip: '172.17.0.2' },
        { name: 'none', ip: null },
      ],
      mounts: [
        { type: 'volume', source: 'web_data', destination: '/data', rw: true },
        { type: 'bind', source: '/etc/web', destination: '/conf', rw: false },
      ],
      env: [
        { key: 'DB_PASSWORD', value: '********' },
        { key: 'PATH', value: '/usr/bin:/bin' },
        { key: 'EMPTY', value: '' },
        { key: 'A', value: 'b=c' },
      ],
      labels: { 'com.docker.compose.project': 'web' },
      command: "nginx -g 'daemon off;'",
      entrypoint: '/docker-entrypoint.sh',
    });
  });

  it('reports the exit code of a stopped container, and none for one never started', () => {
    const exited = toContainerDetail(
      inspect({
        State: {
          Status: 'exited',
          ExitCode: 3,
          StartedAt: '2026-06-20T16:30:00Z',
          FinishedAt: '2026-06-20T19:29:00Z',
        },
      }),
      now,
    );
    expect([exited.state, exited.exitCode, exited.status]).toEqual([
      'exited',
      3,
      'Exited (3) About a minute ago',
    ]);
    const created = toContainerDetail(
      inspect({ State: { Status: 'created', ExitCode: 0, StartedAt: '0001-01-01T00:00:00Z' } }),
      now,
    );
    expect([created.state, created.exitCode, created.status]).toEqual(['created', null, 'Created']);
  });

  it('copes with the fields older engines leave out', () => {
    const bare = toContainerDetail({ Id: ID }, now);
    expect(bare).toMatchObject({ name: ID.slice(0, 12), ports: [], env: [], labels: {} });
    expect(bare.restartPolicy).toBe('no');
    expect(bare.command).toBeNull();
  });

  it('reads health', () => {
    const state = { Status: 'running', Running: true, StartedAt: '2026-06-20T19:29:00Z' };
    const healthy = inspect({ State: { ...state, Health: { Status: 'unhealthy' } } });
    expect(toContainerDetail(healthy, now).health).toBe('unhealthy');
  });
});

describe('toContainerSummary', () => {
  it('maps a list entry', () => {
    expect(
      toContainerSummary({
        Id: ID,
        Names: ['/db'],
        Image: 'postgres:16',
        Created: 1781980200,
        State: 'paused',
        Status: 'Up 2 hours (Paused)',
        Ports: [
          { IP: '127.0.0.1', PrivatePort: 5432, PublicPort: 15432, Type: 'tcp' },
          { PrivatePort: 53, Type: 'udp' },
        ],
      }),
    ).toEqual({
      id: ID,
      name: 'db',
      image: 'postgres:16',
      state: 'paused',
      status: 'Up 2 hours (Paused)',
      createdAt: new Date(1781980200 * 1000).toISOString(),
      ports: [
        { hostIp: '127.0.0.1', hostPort: 15432, containerPort: 5432, proto: 'tcp' },
        { hostIp: null, hostPort: null, containerPort: 53, proto: 'udp' },
      ],
      stats: null,
    });
  });
});

describe('joinArgv and toEnv', () => {
  it('quotes words a shell would split', () => {
    expect(joinArgv(['sh', '-c', "echo 'hi' && sleep 1"])).toBe(
      `sh -c 'echo '\\''hi'\\'' && sleep 1'`,
    );
    expect(joinArgv([])).toBeNull();
    expect(joinArgv('/bin/sh')).toBe('/bin/sh');
  });

  it('masks secret-looking keys', () => {
    expect(toEnv(['API_TOKEN=abc', 'TZ=UTC'])).toEqual([
      { key: 'API_TOKEN', value: '********' },
      { key: 'TZ', value: 'UTC' },
    ]);
  });
});
