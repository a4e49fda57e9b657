/**
 * Live logs over /api/containers/logs/follow against the real engine, through both Docker
 * sources (the Engine API on the private socket, the docker CLI over the harness's sshd): tail
 * then live lines, the end when the container stops, a merged follow across sources, refusals
 * before anything is contacted, and no `docker logs -f` left on the SSH target. Also the REST
 * tail's since/until window on both sources.
 */
import { LOG_FOLLOW_CLOSE, type ContainerLogs } from '@archnest/contracts';
import { SshPool } from '../../src/ssh/ssh-pool';
import { runDocker } from '../harness/docker-engine';
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

const TCP_TICKER = 'logs-tcp-ticker';
const SSH_TICKER = 'logs-ssh-ticker';
const QUIET = 'logs-quiet';
const WINDOW = 'logs-window';
const ALL = [TCP_TICKER, SSH_TICKER, QUIET, WINDOW];

/** A line on stdout and one on stderr every 0.5 s, numbered. */
const TICKER = [
  'sh',
  '-c',
  'i=0; while true; do i=$((i+1)); echo "tick $i"; echo "warn $i" >&2; sleep 0.5; done',
];

const tickNumbers = (client: LogsClient): number[] =>
  client.texts().flatMap((text) => (/^tick (\d+)$/.exec(text) ? [Number(RegExp.$1)] : []));

describe('live logs', () => {
  let testApp: TestApp;
  let admin: Http;
  let member: Http;
  let tokens: { admin: string; member: string };
  let baseUrl: string;
  let tcpHost: string;
  let sshTarget: string;

  beforeAll(async () => {
    await removeContainers(ALL);
    await runContainer(TCP_TICKER, [], TICKER);
    await runContainer(SSH_TICKER, [], TICKER);
    await runContainer(QUIET, [], ['sh', '-c', 'echo only-line; exec sleep 3600']);
    testApp = await startTestApp();
    const http = new Http(testApp.app);
    tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
    tcpHost = (await addHost(admin, { name: 'logs-engine', url: unixUrl() })).id;
    sshTarget = (await createTarget(admin, targetBody('logs-target'))).id;
    await pinTarget(admin, sshTarget);
    baseUrl = await listen(testApp);
  });
  afterAll(async () => {
    await testApp?.close();
    await removeContainers(ALL);
  });

  it.each([
    ['docker-tcp', TCP_TICKER, () => tcpHost],
    ['docker-ssh', SSH_TICKER, () => sshTarget],
  ])(
    'follows a %s container for a member: tail, live lines, then the end',
    async (source, box, hostId) => {
      await sleep(1500); // some history to tail
      const client = await LogsClient.follow(
        baseUrl,
        tokens.member,
        { source: source as 'docker-tcp', hostId: hostId(), container: box },
        { tail: 4 },
      );
      await client.until('ready', () => client.of('ready').length === 1);
      expect(client.messages[0]).toEqual({ type: 'ready', containers: [box] });
      await client.until('the tail', () => client.lines().length >= 4);
      const tailed = Math.max(...tickNumbers(client));

      // Lines keep arriving while following.
      await client.until('two new ticks', () => Math.max(...tickNumbers(client)) >= tailed + 2);
      const lines = client.lines();
      expect(lines.some((line) => line.stream === 'stderr' && /^warn \d+$/.test(line.text))).toBe(
        true,
      );
      expect(lines.every((line) => !Number.isNaN(Date.parse(line.t)))).toBe(true);
      expect(lines.every((line) => line.container === undefined)).toBe(true);
      const numbers = tickNumbers(client);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));

      await runDocker(['stop', '-t', '1', box]);
      expect((await client.closed).code).toBe(LOG_FOLLOW_CLOSE.normal);
      expect(client.messages.at(-1)).toEqual({ type: 'end', reason: 'the container stopped' });
      await runDocker(['start', box]);
    },
  );

  it('ends the remote docker logs -f when the socket closes, even for a quiet container', async () => {
    const client = await LogsClient.follow(
      baseUrl,
      tokens.admin,
      { source: 'docker-ssh', hostId: sshTarget, container: QUIET },
      { tail: 10 },
    );
    await client.until('the only line', () => client.texts().includes('only-line'));
    expect(await remoteFollows(QUIET)).toHaveLength(1);

    await client.close();
    await waitFor('no docker logs -f left', async () => (await remoteFollows(QUIET)).length === 0);
    expect(await remoteFollows(QUIET)).toEqual([]);
  });

  it('merges two containers on two sources into one stream, labelled and in time order', async () => {
    const client = await LogsClient.follow(
      baseUrl,
      tokens.admin,
      {},
      {
        tail: 2,
        containers: [
          { source: 'docker-tcp', hostId: tcpHost, container: TCP_TICKER },
          { source: 'docker-ssh', hostId: sshTarget, container: QUIET },
        ],
      },
    );
    await client.until('ready', () => client.of('ready').length === 1);
    expect(client.messages[0]).toEqual({ type: 'ready', containers: [TCP_TICKER, QUIET] });
    await client.until('lines of both', () => {
      const from = new Set(client.lines().map((line) => line.container));
      return from.has(TCP_TICKER) && from.has(QUIET);
    });
    const quiet = client.lines().filter((line) => line.container === QUIET);
    expect(quiet.map((line) => line.text)).toEqual(['only-line']);
    for (const frame of client.of('lines')) {
      const times = frame.lines.map((line) => line.t);
      expect(times).toEqual([...times].sort());
    }

    // One container stopping ends its stream only; the other goes on.
    await runDocker(['stop', '-t', '1', TCP_TICKER]);
    await client.until('the end of one stream', () =>
      client.of('end').some((end) => end.container === TCP_TICKER),
    );
    expect(client.of('end')[0]).toEqual({
      type: 'end',
      container: TCP_TICKER,
      reason: `${TCP_TICKER}: the container stopped`,
    });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await client.close();
    await runDocker(['start', TCP_TICKER]);
    await waitFor('no docker logs -f left', async () => (await remoteFollows(QUIET)).length === 0);
  });

  it('refuses a bad ref, a bad token and an agent host before contacting anything', async () => {
    const pool = testApp.app.get(SshPool);
    const before = pool.connectCount;
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [
        {
          token: tokens.admin,
          source: 'docker-ssh',
          hostId: sshTarget,
          container: 'x;touch /tmp/p',
        },
        LOG_FOLLOW_CLOSE.badRequest,
        /container/i,
      ],
      [
        { token: `${tokens.admin}x`, source: 'docker-ssh', hostId: sshTarget, container: QUIET },
        LOG_FOLLOW_CLOSE.unauthorized,
        /Sign in again/,
      ],
      [
        { token: tokens.admin, source: 'agent', hostId: 'any-agent', container: 'web' },
        LOG_FOLLOW_CLOSE.badRequest,
        /send no logs/,
      ],
      [
        { token: tokens.admin, source: 'docker-tcp', hostId: tcpHost, container: 'web', tail: -1 },
        LOG_FOLLOW_CLOSE.badRequest,
        /tail must be an integer/,
      ],
    ];
    for (const [start, code, message] of cases) {
      const client = await LogsClient.connect(baseUrl);
      client.send({ type: 'start', ...start });
      expect((await client.closed).code).toBe(code);
      expect(client.messages).toEqual([{ type: 'error', message: textMatching(message) }]);
    }
    expect(pool.connectCount).toBe(before);

    const missing = await LogsClient.follow(baseUrl, tokens.admin, {
      source: 'docker-tcp',
      hostId: tcpHost,
      container: 'no-such-box',
    });
    expect((await missing.closed).code).toBe(LOG_FOLLOW_CLOSE.notFound);
  });

  it('reads a since/until window on both sources over REST, and refuses a reversed one', async () => {
    await removeContainers([WINDOW]);
    await runContainer(
      WINDOW,
      [],
      ['sh', '-c', 'echo first; sleep 1.5; echo second; sleep 1.5; echo third; exec sleep 3600'],
    );
    await sleep(4000);
    const all = await member.get<ContainerLogs>(
      `/api/containers/docker-tcp/${tcpHost}/${WINDOW}/logs?tail=10`,
    );
    expect(all.body.lines.map((line) => line.text)).toEqual(['first', 'second', 'third']);
    const [, second, third] = all.body.lines.map((line) => line.timestamp as string);
    const window = `since=${encodeURIComponent(second)}&until=${encodeURIComponent(third)}`;
    for (const [source, hostId] of [
      ['docker-tcp', tcpHost],
      ['docker-ssh', sshTarget],
    ]) {
      const base = `/api/containers/${source}/${hostId}/${WINDOW}/logs`;
      const some = await member.get<ContainerLogs>(`${base}?tail=10&${window}`);
      expect([source, some.status, some.body.lines.map((line) => line.text)]).toEqual([
        source,
        200,
        ['second'],
      ]);
      const bare = await member.get<ContainerLogs>(`${base}?tail=10&timestamps=false`);
      expect(bare.body.lines.map((line) => line.timestamp)).toEqual([null, null, null]);
    }
    const reversed = await member.get(
      `/api/containers/docker-tcp/${tcpHost}/${WINDOW}/logs?since=${encodeURIComponent(third)}&until=${encodeURIComponent(second)}`,
    );
    expect([reversed.status, JSON.stringify(reversed.body)]).toEqual([
      400,
      expect.stringContaining('until must be after since'),
    ]);
    const unparsable = await member.get(
      `/api/containers/docker-ssh/${sshTarget}/${WINDOW}/logs?since=yesterday`,
    );
    expect([unparsable.status, JSON.stringify(unparsable.body)]).toEqual([
      400,
      expect.stringContaining('since must be an ISO 8601 time'),
    ]);
  });
});
