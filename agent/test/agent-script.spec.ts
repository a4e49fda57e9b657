import type { AgentReport, AgentSteadyReport } from '@archnest/contracts';
import { ValidationPipe } from '@nestjs/common';
import { execFile, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentReportDto } from '../../apps/api/src/container-sources/agents/agent-report.dto';

import {
  bashFunction,
  dryRunReport,
  FIXTURES,
  type Run,
  runAgent,
  SCRIPT,
  STATE_DIR,
} from './run-agent';

describe('archnest-docker-agent.sh (unit, recorded docker output)', () => {
  const report = dryRunReport;

  it('builds the report header', () => {
    const { hostId, agentVersion, reportedAt, containers } = report();
    expect(hostId).toBe('unit-host');
    expect(agentVersion).toBe('2');
    expect(reportedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(containers).toHaveLength(2);
  });

  it('maps a running container fully', () => {
    const [web] = report().containers;
    expect(web).toEqual({
      id: 'a'.repeat(64),
      name: 'my.app_1',
      image: 'nginx:1.27',
      imageId: `sha256:${'1'.repeat(64)}`,
      state: 'running',
      status: 'Up 3 hours',
      createdAt: '2026-06-20T16:30:00.123456789Z',
      startedAt: '2026-06-20T16:30:01.5Z',
      restartCount: 2,
      restartPolicy: 'unless-stopped',
      health: 'unhealthy',
      ports: [
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' },
        { hostIp: '::', hostPort: 8080, containerPort: 80, proto: 'tcp' },
        { hostIp: null, hostPort: null, containerPort: 443, proto: 'tcp' },
        { hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, proto: 'udp' },
      ],
      networks: [
        { name: 'bridge', ip: '172.17.0.2' },
        { name: 'backend', ip: null },
      ],
      mounts: [
        { type: 'volume', source: 'myapp_data', destination: '/data', rw: true },
        { type: 'bind', source: '/etc/app', destination: '/config', rw: false },
      ],
      env: [
        { key: 'NODE_ENV', value: 'production' },
        { key: 'DB_PASSWORD', value: '********' },
        { key: 'api_key', value: '********' },
        { key: 'QUOTED', value: 'say "hi" it\'s $HOME' },
        { key: 'UNICODE', value: 'héllo wörld ✓' },
        { key: 'EMPTY', value: '' },
        { key: 'EQUALS', value: 'a=b=c' },
      ],
      command: "nginx -g 'daemon off;'",
      labels: { 'com.docker.compose.project': 'myapp', note: 'quotes " and $dollar' },
      stats: {
        cpuPercent: 1.4,
        memUsage: 20 * 1024 * 1024,
        memLimit: 512 * 1024 * 1024,
        netRxBytes: 12_300,
        netTxBytes: 67_900,
        blockReadBytes: 1_500_000,
        blockWriteBytes: 20_500,
      },
    });
  });

  it('produces a report the server accepts as it is', async () => {
    const pipe = new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
    });
    await expect(
      pipe.transform(report(), { type: 'body', metatype: AgentReportDto }),
    ).resolves.toBeInstanceOf(AgentReportDto);
  });

  it('maps a stopped container without ports, networks, mounts, env, labels or stats', () => {
    const stopped = report().containers[1];
    expect(stopped).toMatchObject({
      state: 'exited',
      status: 'Exited (3) 2 minutes ago',
      startedAt: null,
      restartPolicy: 'no',
      health: 'none',
      ports: [],
      networks: [],
      mounts: [],
      env: [],
      labels: {},
      stats: null,
      command: 'sh',
    });
  });

  it('handles several hundred containers with one batched inspect', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archnest-agent-many-'));
    try {
      const [template] = JSON.parse(readFileSync(join(FIXTURES, 'inspect.json'), 'utf8')) as {
        Id: string;
        Name: string;
      }[];
      const ids = Array.from({ length: 400 }, (_, i) => i.toString(16).padStart(64, '0'));
      writeFileSync(
        join(dir, 'ps.jsonl'),
        ids.map((id) => JSON.stringify({ ID: id, Status: 'Up' })).join('\n'),
      );
      writeFileSync(
        join(dir, 'inspect.json'),
        JSON.stringify(ids.map((id, i) => ({ ...template, Id: id, Name: `/c_${i}` }))),
      );
      writeFileSync(join(dir, 'stats.jsonl'), '');
      writeFileSync(
        join(dir, 'docker'),
        [
          '#!/usr/bin/env bash',
          'here="$(dirname "$0")"',
          'case "$1" in',
          '  ps) cat "$here/ps.jsonl" ;;',
          '  inspect) echo "$(($# - 1))" >"$here/inspect-args"; cat "$here/inspect.json" ;;',
          '  stats) cat "$here/stats.jsonl" ;;',
          'esac',
        ].join('\n'),
        { mode: 0o755 },
      );
      const run = runAgent(['--dry-run'], { PATH: `${dir}:${process.env.PATH ?? ''}` });
      expect(run.status).toBe(0);
      const { containers } = JSON.parse(run.stdout) as AgentReport;
      expect(containers).toHaveLength(400);
      expect(containers[399]?.name).toBe('c_399');
      expect(readFileSync(join(dir, 'inspect-args'), 'utf8').trim()).toBe('400');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['0B', 0],
    ['512B', 512],
    ['1.2kB', 1200],
    ['20.5MiB', 21_495_808],
    ['7.7GiB', 8_267_812_044],
    ['3KiB', 3072],
    ['1.5 MB', 1_500_000],
    ['--', 0],
  ])('converts %s to %d bytes', (human, bytes) => {
    expect(Number(bashFunction(`human_to_bytes '${human}'`))).toBe(bytes);
  });

  it('prints help and exits 0', () => {
    const run = runAgent(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--dry-run');
  });

  it('refuses an unknown option with exit 2', () => {
    const run = runAgent(['--bogus']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown option: --bogus');
  });

  it.each([
    [{ ARCHNEST_HOST_ID: 'bad host' }, 'ARCHNEST_HOST_ID'],
    [{ ARCHNEST_URL: 'ftp://x', ARCHNEST_AGENT_TOKEN: 't' }, 'ARCHNEST_URL'],
    [{ ARCHNEST_URL: 'http://127.0.0.1:9' }, 'ARCHNEST_AGENT_TOKEN'],
  ])('refuses bad configuration %j with exit 2 naming the variable', (env, name) => {
    const run = runAgent([], env);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(name);
  });

  it('exits 3 naming a missing tool', () => {
    const bin = mkdtempSync(join(tmpdir(), 'archnest-agent-bin-'));
    try {
      for (const tool of ['bash', 'curl']) {
        symlinkSync(
          spawnSync('which', [tool], { encoding: 'utf8' }).stdout.trim(),
          join(bin, tool),
        );
      }
      symlinkSync(join(FIXTURES, 'docker'), join(bin, 'docker'));
      const run = runAgent(['--dry-run'], { PATH: bin });
      expect(run.status).toBe(3);
      expect(run.stderr).toContain('jq is required');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('exits 4 with a clear message when the server is unreachable', () => {
    const run = runAgent([], {
      ARCHNEST_URL: 'http://127.0.0.1:9',
      ARCHNEST_AGENT_TOKEN: 'secret-token-value',
    });
    expect(run.status).toBe(4);
    expect(run.stderr).toContain('cannot reach http://127.0.0.1:9/api/agents/docker/report');
    expect(run.stderr).not.toContain('secret-token-value');
  });

  it('reads the env file without executing it, and lets the environment win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archnest-agent-env-'));
    const marker = join(dir, 'executed');
    const file = join(dir, 'agent.env');
    writeFileSync(
      file,
      [
        '# comment',
        `ARCHNEST_HOST_ID="from-file"`,
        `ARCHNEST_URL=$(touch ${marker})`,
        "export ARCHNEST_AGENT_TOKEN='tok'",
      ].join('\n'),
    );
    try {
      const fromFile = runAgent(['--dry-run', '--env-file', file], { ARCHNEST_HOST_ID: '' });
      expect((JSON.parse(fromFile.stdout) as AgentReport).hostId).toBe('from-file');
      const fromEnv = runAgent(['--dry-run', '--env-file', file], { ARCHNEST_HOST_ID: 'from-env' });
      expect((JSON.parse(fromEnv.stdout) as AgentReport).hostId).toBe('from-env');
      expect(spawnSync('test', ['-e', marker]).status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('answers from the server', () => {
    let server: Server;
    let url: string;
    const received: { authorization?: string; body: string }[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          received.push({ authorization: request.headers.authorization, body });
          const asked = /^Bearer status-(\d{3})(-disabled)?$/.exec(
            request.headers.authorization ?? '',
          );
          if (request.headers.authorization === 'Bearer lost-state') {
            // A server that holds no inventory: every steady report needs the full one.
            const steady = (JSON.parse(body) as { kind?: string }).kind === 'steady';
            response.writeHead(steady ? 409 : 200, { 'content-type': 'application/json' });
            response.end(JSON.stringify(steady ? { statusCode: 409, needFull: true } : {}));
            return;
          }
          const status = Number(asked?.[1] ?? 500);
          const message = asked?.[2]
            ? 'Agent ingest is disabled: set ARCHNEST_AGENT_TOKEN'
            : ['containers.0.state is wrong'];
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ statusCode: status, message }));
        });
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    function send(
      status: number | string,
      stateDir = mkdtempSync(join(STATE_DIR, 's-')),
    ): Promise<Run> {
      const token = typeof status === 'number' || /^\d/.test(status) ? `status-${status}` : status;
      return new Promise((done) => {
        execFile(
          'bash',
          [SCRIPT],
          {
            env: {
              PATH: `${FIXTURES}:${process.env.PATH ?? ''}`,
              ARCHNEST_AGENT_ENV_FILE: '/nonexistent',
              ARCHNEST_HOST_ID: 'unit-host',
              ARCHNEST_URL: `${url}/`,
              ARCHNEST_AGENT_TOKEN: token,
              ARCHNEST_AGENT_STATE_DIR: stateDir,
            },
          },
          (error, stdout, stderr) =>
            done({
              status: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
              stdout,
              stderr,
            }),
        );
      });
    }

    const lastBody = () => JSON.parse(received[received.length - 1]?.body ?? '{}') as AgentReport;

    it('sends the full report first, then steady ones while the inventory stays the same', async () => {
      const stateDir = mkdtempSync(join(STATE_DIR, 'delta-'));
      const first = await send(200, stateDir);
      expect([first.status, first.stdout.trim()]).toEqual([
        0,
        'archnest-agent: reported 2 containers for unit-host (full)',
      ]);
      const digest = lastBody().inventoryDigest;
      expect(readFileSync(join(stateDir, 'unit-host.digest'), 'utf8').trim()).toBe(digest);

      const second = await send(200, stateDir);
      expect(second.stdout).toContain('reported 2 containers for unit-host (steady)');
      const steady = JSON.parse(received[received.length - 1]?.body ?? '{}') as AgentSteadyReport;
      expect(steady).toMatchObject({ kind: 'steady', inventoryDigest: digest });
      expect(steady.containers.map((c) => c.id)).toEqual(['a'.repeat(12), 'b'.repeat(12)]);
    });

    it('sends the full report in the same run when the server asks for it (409 needFull)', async () => {
      const stateDir = mkdtempSync(join(STATE_DIR, 'lost-'));
      await send(200, stateDir); // the digest is saved
      const count = received.length;
      const run = await send('lost-state', stateDir);
      expect([run.status, run.stdout.trim()]).toEqual([
        0,
        'archnest-agent: reported 2 containers for unit-host (full)',
      ]);
      const kinds = received.slice(count).map((r) => (JSON.parse(r.body) as { kind: string }).kind);
      expect(kinds).toEqual(['steady', 'full']);
    });

    it('warns and sends full reports when its state dir cannot be written', async () => {
      const run = await send(200, '/proc/archnest-no-such-dir');
      expect(run.status).toBe(0);
      expect(run.stderr).toContain('cannot write the state dir /proc/archnest-no-such-dir');
      expect(run.stdout).toContain('(full)');
    });

    it('posts the report with the bearer token and says what it sent', async () => {
      const run = await send(200);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('reported 2 containers for unit-host');
      const last = received[received.length - 1];
      expect(last?.authorization).toBe('Bearer status-200');
      expect((JSON.parse(last?.body ?? '{}') as AgentReport).containers).toHaveLength(2);
    });

    it.each([
      [400, 'rejected the report (400): containers.0.state is wrong'],
      [401, 'refused the agent token (401)'],
      [413, 'too large for the server (413)'],
      [429, 'rate-limiting this host (429)'],
      ['503-disabled', 'ingest is disabled on the server (503)'],
      [500, 'server answered HTTP 500'],
      [
        503,
        'server is temporarily unavailable (503): containers.0.state is wrong; the next run will retry',
      ],
    ])('exits 5 with a clear message on %s', async (status, message) => {
      const run = await send(status);
      expect(run.status).toBe(5);
      expect(run.stderr).toContain(message);
    });
  });
});
