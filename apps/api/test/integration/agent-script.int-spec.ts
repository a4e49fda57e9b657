import {
  maskEnv,
  type AgentHost,
  type ContainerDetail,
  type ContainerSummary,
} from '@archnest/contracts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { runDocker } from '../harness/docker-engine';
import { loadInfra, testDatabaseKind } from '../harness/infra';
import { freePort } from '../harness/proc';
import { runAgentScript } from '../support/agent-script';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { createPostgresDatabase, type TestDatabase } from '../support/test-app';

const TOKEN = 'integration-agent-token-0123456789';
const SECRET = 'Pa55-w0rd-that-must-never-leak';
const AWKWARD = `say "hi" it's $HOME & ünïcødé ✓ spaces  here`;

interface DockerInspect {
  Id: string;
  Name: string;
  Created: string;
  Image: string;
  RestartCount: number;
  Config: { Image: string; Env: string[] | null; Labels: Record<string, string> | null };
  State: { Status: string; StartedAt: string; Health?: { Status: string } };
  HostConfig: { RestartPolicy: { Name: string } };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
  NetworkSettings: {
    Networks: Record<string, { IPAddress: string }>;
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null>;
  };
}

async function inspect(name: string): Promise<DockerInspect> {
  const [details] = JSON.parse(await runDocker(['inspect', name])) as DockerInspect[];
  return details;
}

/** What the agent must report for a container, computed independently from docker inspect. */
function expectedFrom(d: DockerInspect): Partial<ContainerDetail> {
  const env = (d.Config.Env ?? []).map((entry) => {
    const at = entry.indexOf('=');
    return { key: entry.slice(0, at), value: entry.slice(at + 1) };
  });
  return {
    id: d.Id,
    name: d.Name.slice(1),
    image: d.Config.Image,
    imageId: d.Image,
    state: d.State.Status as ContainerDetail['state'],
    createdAt: d.Created,
    restartCount: d.RestartCount,
    restartPolicy: d.HostConfig.RestartPolicy.Name || 'no',
    health: (d.State.Health?.Status ?? 'none') as ContainerDetail['health'],
    networks: Object.entries(d.NetworkSettings.Networks).map(([name, n]) => ({
      name,
      ip: n.IPAddress || null,
    })),
    mounts: d.Mounts.map((m) => ({
      type: m.Type,
      source: m.Name ?? m.Source,
      destination: m.Destination,
      rw: m.RW,
    })),
    env: maskEnv(env),
    labels: d.Config.Labels ?? {},
  };
}

async function waitForHealth(name: string, status: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if ((await inspect(name)).State.Health?.Status === status) {
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} never became ${status}`);
}

describe('the real agent script against the private dockerd', () => {
  const suffix = `${testDatabaseKind()}-${process.pid}`;
  const names = {
    web: `web.app_${suffix}`,
    exited: `exited_${suffix}`,
    paused: `paused.one_${suffix}`,
    created: `created_${suffix}`,
    unhealthy: `sick_${suffix}`,
  };
  const restarting = `crashloop_${suffix}`;
  const volume = `archnest_data_${suffix}`;
  const hostId = `itest-${suffix}`;
  let api: ApiProcess;
  let database: TestDatabase | null = null;
  let userToken: string;

  beforeAll(async () => {
    const image = loadInfra().docker.image;
    const hostPort = await freePort();
    await runDocker(['volume', 'create', volume]);
    await runDocker([
      'run',
      '-d',
      '--name',
      names.web,
      '-p',
      `127.0.0.1:${hostPort}:80`,
      '-v',
      `${volume}:/data`,
      '-l',
      'com.example.team=ops',
      '-l',
      `note=${AWKWARD}`,
      '-e',
      `DB_PASSWORD=${SECRET}`,
      '-e',
      `GREETING=${AWKWARD}`,
      '--restart',
      'unless-stopped',
      image,
      'httpd',
      '-f',
      '-p',
      '80',
    ]);
    await runDocker(['run', '-d', '--name', names.exited, image, 'sh', '-c', 'exit 3']);
    await runDocker(['wait', names.exited]);
    await runDocker(['run', '-d', '--name', names.paused, image, 'sleep', '1000']);
    await runDocker(['pause', names.paused]);
    await runDocker(['create', '--name', names.created, image, 'true']);
    await runDocker([
      'run',
      '-d',
      '--name',
      names.unhealthy,
      '--health-cmd',
      'false',
      '--health-interval',
      '1s',
      '--health-retries',
      '1',
      image,
      'sleep',
      '1000',
    ]);
    await waitForHealth(names.unhealthy, 'unhealthy');
    await runDocker([
      'run',
      '-d',
      '--name',
      restarting,
      '--restart',
      'always',
      image,
      'sh',
      '-c',
      'exit 1',
    ]);

    database = testDatabaseKind() === 'postgres' ? await createPostgresDatabase() : null;
    api = await startApiProcess({
      ARCHNEST_AGENT_TOKEN: TOKEN,
      ARCHNEST_ADMIN_PASSWORD: 'agent-admin-password',
      ...(database ? { DATABASE_URL: database.url } : {}),
    });
    const login = await fetch(`${api.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'agent-admin-password' }),
    });
    userToken = ((await login.json()) as { accessToken: string }).accessToken;
  });

  afterAll(async () => {
    await api?.stop();
    await database?.drop();
    await runDocker(['rm', '-f', '-v', restarting, ...Object.values(names)]).catch(() => undefined);
    await runDocker(['volume', 'rm', volume]).catch(() => undefined);
  });

  async function read<T>(path: string): Promise<T> {
    const reply = await fetch(`${api.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${userToken}` },
    });
    expect(reply.status).toBe(200);
    return (await reply.json()) as T;
  }

  it('reports every container, in every state, exactly as docker inspect says', async () => {
    const run = await runAgentScript({
      ARCHNEST_URL: api.baseUrl,
      ARCHNEST_AGENT_TOKEN: TOKEN,
      ARCHNEST_HOST_ID: hostId,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`reported \\d+ containers for ${hostId}`));

    const hosts = await read<AgentHost[]>('/api/agents/docker/hosts');
    expect(hosts.find((h) => h.hostId === hostId)).toMatchObject({
      stale: false,
      agentVersion: '2',
    });
    const listed = await read<ContainerSummary[]>(`/api/agents/docker/hosts/${hostId}/containers`);
    const containers = await Promise.all(
      listed.map((c) =>
        read<ContainerDetail>(`/api/agents/docker/hosts/${hostId}/containers/${c.id}`),
      ),
    );

    for (const name of Object.values(names)) {
      const reported = containers.find((c) => c.name === name);
      expect(reported).toMatchObject(expectedFrom(await inspect(name)));
    }
    const byName = (name: string): ContainerDetail => containers.find((c) => c.name === name)!;
    expect(byName(names.web).state).toBe('running');
    expect(byName(names.exited).state).toBe('exited');
    expect(byName(names.paused).state).toBe('paused');
    expect(byName(names.created).state).toBe('created');
    expect(byName(names.created).startedAt).toBeNull();
    expect(byName(names.unhealthy).health).toBe('unhealthy');
    // A crash-looping container changes state between the agent's run and ours: check its shape.
    expect(byName(restarting)).toMatchObject({ restartPolicy: 'always', health: 'none' });
    expect(['restarting', 'running', 'exited']).toContain(byName(restarting).state);
  });

  it('carries ports, volume, labels, awkward values and stats; masks the secret', async () => {
    const web = await read<ContainerDetail>(
      `/api/agents/docker/hosts/${hostId}/containers/${names.web}`,
    );
    const details = await inspect(names.web);
    const binding = details.NetworkSettings.Ports['80/tcp']?.[0];
    expect(web.ports).toContainEqual({
      hostIp: '127.0.0.1',
      hostPort: Number(binding?.HostPort),
      containerPort: 80,
      proto: 'tcp',
    });
    expect(web.mounts).toEqual([
      { type: 'volume', source: volume, destination: '/data', rw: true },
    ]);
    expect(web.labels).toMatchObject({ 'com.example.team': 'ops', note: AWKWARD });
    expect(web.env).toContainEqual({ key: 'GREETING', value: AWKWARD });
    expect(web.env).toContainEqual({ key: 'DB_PASSWORD', value: '********' });
    expect(web.restartPolicy).toBe('unless-stopped');
    expect(web.command).toBe('httpd -f -p 80');
    expect(web.stats?.memUsage).toBeGreaterThan(0);
    expect(web.stats?.memLimit).toBeGreaterThan(web.stats?.memUsage ?? 0);
    const paused = await read<ContainerDetail>(
      `/api/agents/docker/hosts/${hostId}/containers/${names.paused}`,
    );
    expect(paused.ports).toEqual([]);
  });

  it('never lets the secret reach the database or the server log', async () => {
    expect(api.output()).not.toContain(SECRET);
    if (database) {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ report_json: string }>(
          'SELECT report_json FROM docker_agent_reports',
        );
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.map((r) => r.report_json).join('')).not.toContain(SECRET);
      } finally {
        await client.end();
      }
    } else {
      for (const file of readdirSync(api.dataDir)) {
        expect(readFileSync(join(api.dataDir, file)).includes(SECRET)).toBe(false);
      }
    }
  });

  it('exits non-zero with a clear message for a wrong token, and the host stays as it was', async () => {
    const before = await read<AgentHost[]>('/api/agents/docker/hosts');
    const run = await runAgentScript({
      ARCHNEST_URL: api.baseUrl,
      ARCHNEST_AGENT_TOKEN: 'wrong-token',
      ARCHNEST_HOST_ID: hostId,
    });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('refused the agent token (401)');
    expect(await read<AgentHost[]>('/api/agents/docker/hosts')).toEqual(before);
  });

  it('exits 4 when the server is down, and the next run succeeds', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = await runAgentScript({
      ARCHNEST_URL: closed,
      ARCHNEST_AGENT_TOKEN: TOKEN,
      ARCHNEST_HOST_ID: hostId,
    });
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('cannot reach');
    const up = await runAgentScript({
      ARCHNEST_URL: api.baseUrl,
      ARCHNEST_AGENT_TOKEN: TOKEN,
      ARCHNEST_HOST_ID: hostId,
    });
    expect(up.code).toBe(0);
  });
});

describe('the real agent script against a server with ingest disabled', () => {
  it('exits 5 saying ingest is disabled (503)', async () => {
    const api = await startApiProcess();
    try {
      const run = await runAgentScript({
        ARCHNEST_URL: api.baseUrl,
        ARCHNEST_AGENT_TOKEN: TOKEN,
        ARCHNEST_HOST_ID: 'no-ingest',
      });
      expect(run.code).toBe(5);
      expect(run.stderr).toContain('ingest is disabled on the server (503)');
    } finally {
      await api.stop();
    }
  });
});
