/**
 * A slow live-logs reader against the built API in its own process: a container floods its log
 * (about 20 MB/s) while the client's socket is paused for 16 s, followed over the Engine API and
 * over SSH. The server must drop lines and say so rather than buffer them, and its RSS must stay
 * bounded while far more is written than that.
 */
import { readFileSync } from 'node:fs';
import { sleep } from '../harness/proc';
import { call, seedUsersOver } from '../support/agent-load';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { targetBody } from '../support/docker-ssh';
import { removeContainers, runContainer, unixUrl } from '../support/docker-tcp';
import { LogsClient } from '../support/logs-client';

const FLOOD = 'logs-flood';
/** 200 lines of 1 KB, then 10 ms: about 20,000 lines (20 MB) a second. */
const FLOODER = [
  'sh',
  '-c',
  's=$(head -c 1000 /dev/zero | tr "\\0" x); ' +
    'while true; do i=0; while [ $i -lt 200 ]; do echo "$s"; i=$((i+1)); done; sleep 0.01; done',
];
const PAUSED_MS = 16_000;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/** An SSH target on the harness's sshd, its host key pinned, created over HTTP. */
async function pinnedTarget(baseUrl: string, token: string): Promise<string> {
  const created = await call<{ id: string }>(baseUrl, 'POST', '/api/docker-ssh/targets', {
    token,
    body: targetBody('flood-target'),
  });
  const id = created.body.id;
  const scan = await call<{ fingerprint: string }>(
    baseUrl,
    'POST',
    `/api/docker-ssh/targets/${id}/host-key/scan`,
    { token },
  );
  await call(baseUrl, 'POST', `/api/docker-ssh/targets/${id}/host-key/accept`, {
    token,
    body: { fingerprint: scan.body.fingerprint },
  });
  return id;
}

describe('live logs: a slow reader', () => {
  let api: ApiProcess;
  let token: string;
  const hostIds: Record<'docker-tcp' | 'docker-ssh', string> = {
    'docker-tcp': '',
    'docker-ssh': '',
  };

  beforeAll(async () => {
    await removeContainers([FLOOD]);
    api = await startApiProcess();
    const { admin, member } = await seedUsersOver(api.baseUrl);
    token = member;
    const host = await call<{ id: string }>(api.baseUrl, 'POST', '/api/docker/hosts', {
      token: admin,
      body: { name: 'flood-engine', url: unixUrl() },
    });
    hostIds['docker-tcp'] = host.body.id;
    hostIds['docker-ssh'] = await pinnedTarget(api.baseUrl, admin);
  });
  afterAll(async () => {
    await api?.stop();
    await removeContainers([FLOOD]);
  });

  it.each(['docker-tcp', 'docker-ssh'] as const)(
    'drops lines with a dropped frame, and the server RSS stays bounded (%s)',
    async (source) => {
      await removeContainers([FLOOD]);
      await runContainer(FLOOD, ['--log-opt', 'max-size=20m', '--log-opt', 'max-file=2'], FLOODER);
      const idle = rssMb(api.pid);
      const client = await LogsClient.follow(
        api.baseUrl,
        token,
        { source, hostId: hostIds[source], container: FLOOD },
        { tail: 0 },
      );
      await client.until('the first lines', () => client.lines().length > 0);
      client.socket.pause(); // stop reading: the server's socket backs up
      const samples: number[] = [];
      for (let waited = 0; waited < PAUSED_MS; waited += 250) {
        await sleep(250);
        samples.push(rssMb(api.pid));
      }
      client.socket.resume();
      await client.until('a dropped frame', () => client.of('dropped').length > 0);
      const dropped = client.of('dropped').reduce((sum, frame) => sum + frame.count, 0);
      await client.close();

      // 16 s at ~20 MB/s is ~300 MB of text. Parsing it makes garbage that the RSS shows until
      // the next major GC; what is kept shows in the RSS's floor, which must not climb with it.
      const floor = Math.min(...samples.slice(samples.length / 2));
      const peak = Math.max(...samples);
      console.log(
        `slow reader (${source}): dropped ${dropped} lines; API RSS idle ${idle.toFixed(0)} MB, floor of ` +
          `the last 8 s ${floor.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`,
      );
      expect(dropped).toBeGreaterThan(50_000);
      expect(floor - idle).toBeLessThan(60);
    },
  );
});
