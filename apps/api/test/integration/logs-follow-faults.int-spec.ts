/**
 * Live logs when things go wrong, against the real engine and the harness's sshd: a follow
 * outlives the engine client's deadline, a follow whose SSH connection is cut midway answers
 * `error` + 4502 (not `end`), a merged view goes on without the member that could not be
 * followed, and a shutting-down server closes its follows with 1001.
 */
import { LOG_FOLLOW_CLOSE } from '@archnest/contracts';
import { ENGINE_TIMEOUT_MS } from '../../src/container-sources/docker-tcp/engine-client';
import { sleep, waitFor } from '../harness/proc';
import { createTarget, pinTarget, targetBody } from '../support/docker-ssh';
import {
  addHost,
  removeContainers,
  runContainer,
  textMatching,
  unixUrl,
} from '../support/docker-tcp';
import { listen } from '../support/exec-client';
import { Http, seedUsers } from '../support/http';
import { LogsClient, remoteFollows } from '../support/logs-client';
import { startTestApp, type TestApp } from '../support/test-app';

const TICKER = 'logs-faults-ticker';
const TICKS = ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.5; done'];

const ticks = (client: LogsClient, container?: string): number[] =>
  client
    .lines()
    .filter((line) => container === undefined || line.container === container)
    .flatMap((line) => (/^tick (\d+)$/.exec(line.text) ? [Number(RegExp.$1)] : []));

describe('live logs, faults', () => {
  let testApp: TestApp;
  let closed = false;
  let admin: Http;
  let token: string;
  let baseUrl: string;
  let tcpHost: string;
  let sshTarget: string;

  beforeAll(async () => {
    await removeContainers([TICKER]);
    await runContainer(TICKER, [], TICKS);
    testApp = await startTestApp();
    const http = new Http(testApp.app);
    token = (await seedUsers(http)).admin;
    admin = http.as(token);
    tcpHost = (await addHost(admin, { name: 'faults-engine', url: unixUrl() })).id;
    sshTarget = (await createTarget(admin, targetBody('faults-target'))).id;
    await pinTarget(admin, sshTarget);
    baseUrl = await listen(testApp);
  });
  afterAll(async () => {
    if (!closed) {
      await testApp?.close();
    }
    await removeContainers([TICKER]);
  });

  it('follows an Engine API container past the engine client deadline', async () => {
    const client = await LogsClient.follow(
      baseUrl,
      token,
      { source: 'docker-tcp', hostId: tcpHost, container: TICKER },
      { tail: 0 },
    );
    await client.until('ready', () => client.of('ready').length === 1);
    await sleep(ENGINE_TIMEOUT_MS + 1500);
    const before = Math.max(0, ...ticks(client));
    await client.until('ticks after the deadline', () => Math.max(0, ...ticks(client)) > before);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    expect(client.of('error')).toEqual([]);
    await client.close();
  });

  it('answers error and 4502 when the SSH connection of a follow is cut', async () => {
    const client = await LogsClient.follow(
      baseUrl,
      token,
      { source: 'docker-ssh', hostId: sshTarget, container: TICKER },
      { tail: 1 },
    );
    await client.until('live ticks', () => ticks(client).length >= 2);
    // Editing a target closes its pooled connections, the streams' one too.
    await admin.patch(`/api/docker-ssh/targets/${sshTarget}`, { name: 'faults-renamed' });
    const { code } = await client.closed;
    expect(code).toBe(LOG_FOLLOW_CLOSE.unreachable);
    expect(client.of('end')).toEqual([]);
    expect(client.messages.at(-1)).toEqual({
      type: 'error',
      message: 'Follow lost: the SSH connection was lost',
    });
    await waitFor('no docker logs -f left', async () => (await remoteFollows(TICKER)).length === 0);
  });

  it('merges what it can: a member that cannot be followed ends alone', async () => {
    const client = await LogsClient.follow(
      baseUrl,
      token,
      {},
      {
        tail: 0,
        containers: [
          { source: 'docker-tcp', hostId: tcpHost, container: TICKER },
          { source: 'docker-ssh', hostId: sshTarget, container: 'faults-no-such-box' },
        ],
      },
    );
    await client.until('ready', () => client.of('ready').length === 1);
    expect(client.of('ready')[0].containers).toEqual([TICKER]);
    expect(client.of('end')).toEqual([
      {
        type: 'end',
        container: 'faults-no-such-box',
        reason: textMatching(/^faults-no-such-box: not followed: .*no such container/i),
      },
    ]);
    await client.until('ticks of the other', () => ticks(client, TICKER).length >= 2);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await client.close();
  });

  it('closes live follows with 1001 when the server shuts down', async () => {
    const client = await LogsClient.follow(
      baseUrl,
      token,
      { source: 'docker-ssh', hostId: sshTarget, container: TICKER },
      { tail: 1 },
    );
    await client.until('ready', () => client.of('ready').length === 1);
    closed = true;
    await testApp.close();
    expect((await client.closed).code).toBe(LOG_FOLLOW_CLOSE.goingAway);
    expect(client.messages.at(-1)).toEqual({
      type: 'error',
      message: 'The server is shutting down',
    });
    await waitFor('no docker logs -f left', async () => (await remoteFollows(TICKER)).length === 0);
  });
});
