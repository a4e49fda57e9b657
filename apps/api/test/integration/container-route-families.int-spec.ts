/**
 * One table over every container route family: the main routes `/api/containers/<source>/…` and
 * the per-source aliases (`/api/docker/hosts/…`, `/api/docker-ssh/targets/…`,
 * `/api/agents/docker/hosts/…`), against a real engine, a real sshd and a stored agent report.
 * For each source, both paths must give the same validation, the same answers and the same
 * audit; the exec gateway is checked on its one path and on its aliases.
 */
import { EXEC_CLOSE, type AuditEntry, type SourceKind } from '@archnest/contracts';
import { waitFor } from '../harness/proc';
import { agentContainer, agentReport } from '../support/agent-report-fixture';
import { createTarget, pinTarget, targetBody } from '../support/docker-ssh';
import {
  addHost,
  auditRows,
  removeContainers,
  runContainer,
  textMatching,
  unixUrl,
} from '../support/docker-tcp';
import { ExecClient, listen } from '../support/exec-client';
import { Http, seedUsers, type Reply } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const AGENT_TOKEN = 'route-families-agent-token-0123456789';
const LOGGER = 'family-logger';
const STOPPED = 'family-stopped';
const AGENT_CONTAINER = agentContainer({ name: 'family-agent-app' });

interface Family {
  source: SourceKind;
  /** The main path of the host and its alias, both without a trailing slash. */
  main: string;
  alias: string;
}

/** What may differ between two reads of one container: its uptime text. */
function stable(reply: Reply): unknown {
  const strip = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? { ...(value as Record<string, unknown>), status: '<uptime>', stats: '<sample>' }
      : value;
  return {
    status: reply.status,
    body: Array.isArray(reply.body) ? reply.body.map(strip) : strip(reply.body),
  };
}

describe('container route families: one implementation, every path', () => {
  let testApp: TestApp;
  let admin: Http;
  let member: Http;
  let tokens: { admin: string; member: string };
  let wsUrl: string;
  const families: Record<SourceKind, Family> = {} as Record<SourceKind, Family>;

  beforeAll(async () => {
    await removeContainers([LOGGER, STOPPED]);
    await runContainer(
      LOGGER,
      [],
      ['sh', '-c', 'echo line-one; sleep 1; echo line-two >&2; sleep 3600'],
    );
    await runContainer(STOPPED, [], ['true']);
    testApp = await startTestApp({ ARCHNEST_AGENT_TOKEN: AGENT_TOKEN });
    const http = new Http(testApp.app);
    tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
    const host = await addHost(admin, { name: 'family-engine', url: unixUrl() });
    const target = await createTarget(admin, targetBody('family-box'));
    await pinTarget(admin, target.id);
    const report = agentReport({ hostId: 'family-vm', containers: [AGENT_CONTAINER] });
    expect((await http.as(AGENT_TOKEN).post('/api/agents/docker/report', report)).status).toBe(200);
    families['docker-tcp'] = {
      source: 'docker-tcp',
      main: `/api/containers/docker-tcp/${host.id}`,
      alias: `/api/docker/hosts/${host.id}/containers`,
    };
    families['docker-ssh'] = {
      source: 'docker-ssh',
      main: `/api/containers/docker-ssh/${target.id}`,
      alias: `/api/docker-ssh/targets/${target.id}/containers`,
    };
    families.agent = {
      source: 'agent',
      main: '/api/containers/agent/family-vm',
      alias: '/api/agents/docker/hosts/family-vm/containers',
    };
    wsUrl = await listen(testApp);
    // The logger writes its second line a second after the first; wait until both are there.
    await waitFor(
      'the logger output',
      async () =>
        (await member.get<{ lines: unknown[] }>(`${families['docker-tcp'].main}/${LOGGER}/logs`))
          .body.lines?.length === 2,
      15_000,
    );
  });
  afterAll(async () => {
    await testApp.close();
    await removeContainers([LOGGER, STOPPED]);
  });

  const container = (source: SourceKind): string =>
    source === 'agent' ? AGENT_CONTAINER.name : LOGGER;

  /** The same request on the main path and on the alias; both answers. */
  async function both(
    family: Family,
    send: (http: Http, base: string) => Promise<Reply>,
    as: Http = member,
  ): Promise<[Reply, Reply]> {
    return [await send(as, family.main), await send(as, family.alias)];
  }

  describe.each(['docker-tcp', 'docker-ssh', 'agent'] as const)('%s', (source) => {
    const family = (): Family => families[source];

    // [what, path after the host, status from a Docker source, status from the agent]
    it.each([
      ['the container list', '', 200, 200],
      ['a container', '/{ref}', 200, 200],
      ['a hostile ref', '/-rf', 400, 400],
      ['a ref outside the grammar', '/a;b', 400, 400],
      ['a container that does not exist', '/no-such-container-here', 404, 404],
      ['logs with timestamps', '/{ref}/logs?tail=5', 200, 400],
      ['logs without timestamps', '/{ref}/logs?tail=5&timestamps=false', 200, 400],
      ['logs with a bad tail', '/{ref}/logs?tail=0', 400, 400],
      ['logs with a bad timestamps flag', '/{ref}/logs?timestamps=maybe', 400, 400],
    ])('answers %s the same on both paths', async (_what, suffix, dockerStatus, agentStatus) => {
      const path = suffix.replace('{ref}', container(source));
      const [main, alias] = await both(family(), (http, base) => http.get(`${base}${path}`));
      expect(main.status).toBe(source === 'agent' ? agentStatus : dockerStatus);
      expect(stable(alias)).toEqual(stable(main));
    });

    it('answers an unknown host and a malformed host id the same on both paths', async () => {
      const unknown = await both(family(), (http, base) =>
        http.get(base.replace(/[^/]+(\/containers)?$/, (_m, tail = '') => `no-such-host${tail}`)),
      );
      expect(unknown[0].status).toBe(404);
      expect(unknown[1].body).toEqual(unknown[0].body);
      const malformed = await both(family(), (http, base) =>
        http.get(base.replace(/[^/]+(\/containers)?$/, (_m, tail = '') => `bad%20id${tail}`)),
      );
      expect(malformed[0]).toMatchObject({
        status: 400,
        body: { message: ['hostId must be 1-128 letters, digits, dots, dashes or underscores'] },
      });
      expect(malformed[1].body).toEqual(malformed[0].body);
    });

    it('answers stats with the same shape on both paths', async () => {
      const [main, alias] = await both(family(), (http, base) =>
        http.get<Record<string, unknown>>(`${base}/${container(source)}/stats`),
      );
      expect(main.status).toBe(200);
      expect(alias.status).toBe(200);
      expect(Object.keys(alias.body as object).sort()).toEqual(
        Object.keys(main.body as object).sort(),
      );
    });

    it('needs a token on both paths', async () => {
      const anonymous = new Http(testApp.app);
      const [main, alias] = await both(family(), (http, base) => http.get(base), anonymous);
      expect([main.status, alias.status]).toEqual([401, 401]);
    });
  });

  it('honours timestamps on every Docker source', async () => {
    for (const source of ['docker-tcp', 'docker-ssh'] as const) {
      const logs = (query: string) =>
        member.get<{ lines: { timestamp: string | null; text: string }[] }>(
          `${families[source].main}/${LOGGER}/logs?${query}`,
        );
      const stamped = (await logs('tail=5')).body.lines;
      const bare = (await logs('tail=5&timestamps=false')).body.lines;
      expect(stamped.map((l) => l.text)).toEqual(['line-one', 'line-two']);
      expect(stamped.every((l) => /^\d{4}-\d\d-\d\dT/.test(l.timestamp ?? ''))).toBe(true);
      expect(bare).toEqual(stamped.map((l) => ({ ...l, timestamp: null })));
    }
  });

  describe.each(['docker-tcp', 'docker-ssh'] as const)('%s actions', (source) => {
    const family = (): Family => families[source];
    const newest = async (): Promise<Partial<AuditEntry>> => {
      const [row] = await auditRows(admin);
      return { action: row?.action, target: row?.target, result: row?.result, detail: row?.detail };
    };

    it('audits an action once, in the same words, on either path', async () => {
      const rows: Partial<AuditEntry>[] = [];
      for (const base of [family().main, family().alias]) {
        // The stopped container is already stopped: a 204 with "no change" on both paths.
        expect((await admin.post(`${base}/${STOPPED}/stop`)).status).toBe(204);
        rows.push(await newest());
      }
      expect(rows[1]).toEqual(rows[0]);
      expect(rows[0]).toMatchObject({
        action: `${source}.container.stop`,
        result: 'success',
        detail: textMatching(/^hostId=\S+ (done|no change: already in that state)$/),
      });
    });

    it('audits a refused action in the same words on either path', async () => {
      const rows: Partial<AuditEntry>[] = [];
      const answers: Reply[] = [];
      for (const base of [family().main, family().alias]) {
        answers.push(await admin.post(`${base}/${STOPPED}/pause`));
        rows.push(await newest());
      }
      expect(answers[0].status).toBe(409);
      expect(answers[1].body).toEqual(answers[0].body);
      expect(rows[1]).toEqual(rows[0]);
      expect(rows[0]).toMatchObject({
        result: 'failure',
        detail: textMatching(/ error: /),
      });
    });

    it('refuses a verb outside the whitelist and a member the same way on both paths', async () => {
      const verb = await both(family(), (http, base) => http.post(`${base}/${LOGGER}/kill`), admin);
      expect(verb[0]).toMatchObject({
        status: 400,
        body: { message: ['action must be one of start, stop, restart, pause, unpause'] },
      });
      expect(verb[1].body).toEqual(verb[0].body);
      const asMember = await both(family(), (http, base) => http.post(`${base}/${LOGGER}/stop`));
      expect([asMember[0].status, asMember[1].status]).toEqual([403, 403]);
    });

    it('takes an empty body with a JSON content type where none is expected', async () => {
      const reply = await testApp.app.inject({
        method: 'POST',
        url: `${family().alias}/${STOPPED}/stop`,
        headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
      });
      expect(reply.statusCode).toBe(204);
    });
  });

  it('refuses agent actions: 400 on the main path; the read-only alias has no such route', async () => {
    const main = await admin.post(`${families.agent.main}/${AGENT_CONTAINER.name}/stop`);
    expect(main).toMatchObject({
      status: 400,
      body: { message: 'container actions not available: not reported by the agent source' },
    });
    expect((await admin.post(`${families.agent.alias}/${AGENT_CONTAINER.name}/stop`)).status).toBe(
      404,
    );
  });

  describe('exec', () => {
    async function start(path: string, fields: Record<string, unknown>): Promise<ExecClient> {
      const client = await ExecClient.connect(wsUrl, path);
      client.send({
        type: 'start',
        token: tokens.admin,
        container: LOGGER,
        cols: 80,
        rows: 24,
        ...fields,
      });
      await client.until('an answer', () => client.messages.length > 0);
      return client;
    }

    it.each(['docker-tcp', 'docker-ssh'] as const)(
      'opens a %s shell on /api/containers/exec and on its alias, audited the same',
      async (source) => {
        const hostId = families[source].main.split('/').pop();
        const alias = source === 'docker-tcp' ? '/api/docker/exec' : '/api/docker-ssh/exec';
        const starts: Partial<AuditEntry>[] = [];
        for (const [path, fields] of [
          ['/api/containers/exec', { source, hostId }],
          [alias, { hostId }],
        ] as const) {
          const client = await start(path, fields);
          expect(client.find('ready')).toEqual({ type: 'ready', shell: 'sh' });
          client.send({ type: 'input', data: 'echo $((6*7))\r' });
          await client.untilOutput(/\b42\b/);
          client.close();
          await client.closed;
          await waitFor(
            'the end in the audit log',
            async () => (await auditRows(admin))[0]?.action === `${source}.exec.end`,
            10_000,
          );
          const row = (await auditRows(admin)).find((r) => r.action === `${source}.exec.start`);
          starts.push({ action: row?.action, target: row?.target, detail: row?.detail });
        }
        expect(starts[1]).toEqual(starts[0]);
        expect(starts[0]).toEqual({
          action: `${source}.exec.start`,
          target: `${source}:${source === 'docker-tcp' ? 'family-engine' : 'family-box'}/${LOGGER}`,
          detail: `hostId=${hostId} shell=sh`,
        });
      },
    );

    it('needs a source on the main path, refuses another on an alias, and refuses the agent', async () => {
      const hostId = families['docker-tcp'].main.split('/').pop();
      const cases: [string, Record<string, unknown>, string][] = [
        ['/api/containers/exec', { hostId }, 'start needs source'],
        [
          '/api/docker/exec',
          { source: 'docker-ssh', hostId },
          'source must be docker-tcp on this path',
        ],
        [
          '/api/containers/exec',
          { source: 'agent', hostId: 'family-vm' },
          'a shell not available: not reported by the agent source',
        ],
      ];
      for (const [path, fields, message] of cases) {
        const client = await start(path, fields);
        expect(client.find('error')).toEqual({ type: 'error', message });
        expect((await client.closed).code).toBe(EXEC_CLOSE.badRequest);
      }
    });
  });
});
