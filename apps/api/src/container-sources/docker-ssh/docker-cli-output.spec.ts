import {
  parseInspect,
  parseLogs,
  parsePorts,
  parsePs,
  parseStats,
  parseStatsRows,
  psTime,
  UnexpectedOutputError,
} from './docker-cli-output';

const ID = 'c2a3733573d57c9f44d8f482758f1258958540dfca8d6c1356cc85b7c26ff884';

/** As docker 28 prints it for a running busybox container. */
const PS_LINE = JSON.stringify({
  Command: '"sleep 1000"',
  CreatedAt: '2026-11-27 17:10:18 +0000 UTC',
  ID,
  Image: 'archnest-test/busybox:1',
  Labels: '',
  Names: 'explore1',
  Ports: '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 443/tcp',
  State: 'running',
  Status: 'Up Less than a second',
});

describe('docker CLI output', () => {
  it('reads docker ps JSON lines into summaries', () => {
    const [row] = parsePs(`${PS_LINE}\n`);
    expect(row).toEqual({
      id: ID,
      name: 'explore1',
      image: 'archnest-test/busybox:1',
      state: 'running',
      status: 'Up Less than a second',
      createdAt: '2026-11-27T17:10:18.000Z',
      ports: [
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' },
        { hostIp: '::', hostPort: 8080, containerPort: 80, proto: 'tcp' },
        { hostIp: null, hostPort: null, containerPort: 443, proto: 'tcp' },
      ],
      stats: null,
    });
    expect(parsePs('')).toEqual([]);
  });

  it('derives the state from the status when the CLI does not print it', () => {
    const rows = ['Up 2 hours (Paused)', 'Exited (0) 3 days ago', 'Created', 'Up 1 second'].map(
      (Status, i) => JSON.stringify({ ID: `${i}`.repeat(12), Status }),
    );
    expect(parsePs(rows.join('\n')).map((c) => c.state)).toEqual([
      'paused',
      'exited',
      'created',
      'running',
    ]);
  });

  it('refuses output that is not docker ps JSON', () => {
    expect(() => parsePs('CONTAINER ID   IMAGE')).toThrow(UnexpectedOutputError);
    expect(() => parsePs('{"Names":"no-id"}')).toThrow(UnexpectedOutputError);
  });

  it('expands published ranges and keeps IPv6 hosts', () => {
    expect(parsePorts('127.0.0.1:8000-8001->80-81/udp')).toEqual([
      { hostIp: '127.0.0.1', hostPort: 8000, containerPort: 80, proto: 'udp' },
      { hostIp: '127.0.0.1', hostPort: 8001, containerPort: 81, proto: 'udp' },
    ]);
    expect(parsePorts(':::53->53/udp')).toEqual([
      { hostIp: '::', hostPort: 53, containerPort: 53, proto: 'udp' },
    ]);
    expect(parsePorts('')).toEqual([]);
  });

  it('converts ps times with their offset', () => {
    expect(psTime('2026-06-20 21:30:00 +0200 CEST')).toBe('2026-06-20T19:30:00.000Z');
    expect(psTime('yesterday')).toBeNull();
  });

  it('reads a stats snapshot with human sizes as bytes', () => {
    const line = JSON.stringify({
      BlockIO: '1.2kB / 0B',
      CPUPerc: '1.42%',
      MemUsage: '20.5MiB / 512MiB',
      NetIO: '792B / 1.5kB',
    });
    expect(parseStats(line)).toEqual({
      cpuPercent: 1.42,
      memUsage: 21495808,
      memLimit: 536870912,
      netRxBytes: 792,
      netTxBytes: 1500,
      blockReadBytes: 1200,
      blockWriteBytes: 0,
    });
    const stopped = JSON.stringify({ CPUPerc: '0.00%', MemUsage: '0B / 0B', NetIO: '--' });
    expect(parseStats(stopped)).toMatchObject({ memUsage: 0, memLimit: null, netRxBytes: null });
    expect(() => parseStats('')).toThrow(UnexpectedOutputError);
  });

  it('reads every running container of one docker stats answer by name', () => {
    const row = (Name: string, CPUPerc: string) =>
      JSON.stringify({
        BlockIO: '0B / 4.1kB',
        CPUPerc,
        Container: Name,
        ID: ID.slice(0, 12),
        MemPerc: '0.01%',
        MemUsage: '1.5MiB / 2GiB',
        Name,
        NetIO: '1kB / 0B',
        PIDs: '1',
      });
    const rows = parseStatsRows(
      [row('web', '24.87%'), row('--', '--'), row('db', '0.00%')].join('\n'),
    );
    expect(rows).toEqual([
      {
        name: 'web',
        stats: {
          cpuPercent: 24.87,
          memUsage: 1572864,
          memLimit: 2147483648,
          netRxBytes: 1000,
          netTxBytes: 0,
          blockReadBytes: 0,
          blockWriteBytes: 4100,
        },
      },
      { name: 'db', stats: expect.objectContaining({ cpuPercent: 0 }) as unknown },
    ]);
    expect(parseStatsRows('')).toEqual([]);
    expect(() => parseStatsRows('not json')).toThrow(UnexpectedOutputError);
  });

  it('takes the first object of docker inspect', () => {
    expect(parseInspect(`[{"Id":"${ID}"}]`)).toEqual({ Id: ID });
    expect(() => parseInspect('[]')).toThrow(UnexpectedOutputError);
    expect(() => parseInspect('Error: nope')).toThrow(UnexpectedOutputError);
  });

  it('merges stdout and stderr log lines by time', () => {
    const out = '2026-01-01T00:00:01.000000000Z one\n2026-01-01T00:00:03.000000000Z three\n';
    const err = '2026-01-01T00:00:02.000000000Z two\n';
    const logs = parseLogs(out, err, { timestamps: true, truncated: false });
    expect(logs.lines).toEqual([
      { stream: 'stdout', timestamp: '2026-01-01T00:00:01.000000000Z', text: 'one' },
      { stream: 'stderr', timestamp: '2026-01-01T00:00:02.000000000Z', text: 'two' },
      { stream: 'stdout', timestamp: '2026-01-01T00:00:03.000000000Z', text: 'three' },
    ]);
    const plain = parseLogs(out, err, { timestamps: false, truncated: false });
    expect(plain.lines.map((l) => [l.timestamp, l.text])).toEqual([
      [null, 'one'],
      [null, 'two'],
      [null, 'three'],
    ]);
  });

  it('drops a line cut by the output cap and says the logs were truncated', () => {
    const out = '2026-01-01T00:00:01.000000000Z whole\n2026-01-01T00:00:02.000000000Z cu';
    const logs = parseLogs(out, '', { timestamps: true, truncated: true });
    expect(logs).toEqual({
      lines: [{ stream: 'stdout', timestamp: '2026-01-01T00:00:01.000000000Z', text: 'whole' }],
      truncated: true,
    });
  });
});
