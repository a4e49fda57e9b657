/**
 * Alerts (docs/alerts.md) against real parts, on SQLite and PostgreSQL: the private dockerd as a
 * Docker API host (unix socket, and behind a proxy that goes down), the harness's sshd as an SSH
 * target on the same engine, agent reports, a real webhook receiver that checks the signature on
 * the raw body, and a real SMTP server that checks AUTH. Containers are stopped with the docker
 * CLI behind ArchNest's back; a stop through ArchNest's API is audited, not alerted.
 *
 * A rule only fires for a container it saw running, and the evaluator's rounds are not visible
 * from outside: each scenario first stops a "probe" container covered by the same rule and waits
 * for its notification. The probe ran since before the rule existed, as did the container under
 * test, so from then on the evaluator has seen both running.
 */
import type {
  AlertChannel,
  AlertEvent,
  AlertEventPage,
  AlertNotification,
  AlertRule,
  AuditEntry,
  ChannelTestResult,
  Page,
} from '@archnest/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDocker } from '../harness/docker-engine';
import { loadInfra, testDatabaseKind } from '../harness/infra';
import { waitFor } from '../harness/proc';
import { login, seedUsersOver, call } from '../support/agent-load';
import { agentReport } from '../support/agent-report-fixture';
import { SmtpReceiver, WebhookReceiver } from '../support/alert-receivers';
import {
  cliStart,
  cliStop,
  createChannel,
  createRule,
  eventsOf,
  inProcess,
  listEvents,
  notifications,
  overHttp,
  waitForEvent,
  waitForNotification,
  type AlertsClient,
} from '../support/alerts-api';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { createTarget, pinTarget, targetBody } from '../support/docker-ssh';
import {
  addHost,
  engineState,
  removeContainers,
  runContainer,
  unixUrl,
} from '../support/docker-tcp';
import { EngineOutageProxy } from '../support/engine-outage';
import { ADMIN, Http, seedUsers } from '../support/http';
import {
  createPostgresDatabase,
  startTestApp,
  type TestApp,
  type TestDatabase,
} from '../support/test-app';

jest.setTimeout(120_000);

const AGENT_TOKEN = 'alerts-agent-token-0123456789abcdef';
const WEBHOOK_SECRET = 'whsec-alerts-test-4f1c9b7e2a';
const SMTP_USER = { username: 'alerts-mailer', password: 'smtp-pass-alerts-9d2e61' };
const ALERT_ENV = {
  ARCHNEST_ALERTS_INTERVAL_MS: '1000',
  ARCHNEST_ALERTS_RETRY_BASE_MS: '1000',
  ARCHNEST_DOCKER_STATS_INTERVAL_MS: '1000',
  ARCHNEST_SSH_STATS_INTERVAL_MS: '1000',
  ARCHNEST_METRICS_HISTORY: 'on',
};
const SLEEP = ['sleep', '3600'];
const BUSY_LOOP = ['sh', '-c', 'while :; do :; done'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

const TCP = { probe: 'alert-tcp-probe', cli: 'alert-tcp-cli', api: 'alert-tcp-api' };
const SSH = { probe: 'alert-ssh-probe', box: 'alert-ssh-box' };
const MAIL = { probe: 'alert-mail-probe', box: 'alert-mail-box' };
const RETRY = { probe: 'alert-retry-probe', box: 'alert-retry-box' };
const BUSY = 'alert-busy';
const CONTAINERS = [
  ...Object.values(TCP),
  ...Object.values(SSH),
  ...Object.values(MAIL),
  ...Object.values(RETRY),
  BUSY,
];

const text = (pattern: RegExp): string => expect.stringMatching(pattern) as string;
const messagesOf = (body: unknown): string =>
  JSON.stringify((body as { message?: unknown }).message ?? body);

describe('alerts', () => {
  let testApp: TestApp;
  let http: Http;
  let admin: Http;
  let member: Http;
  let alerts: AlertsClient;
  let agent: Http;
  let webhook: WebhookReceiver;
  let smtp: SmtpReceiver;
  let outage: EngineOutageProxy;
  let tcpHostId: string;
  let sshTargetId: string;
  let signedChannel: AlertChannel;

  const auditText = async (): Promise<string> =>
    (await admin.get<Page<AuditEntry>>('/api/audit?pageSize=200')).text;

  beforeAll(async () => {
    await removeContainers(CONTAINERS);
    for (const name of CONTAINERS) {
      await runContainer(
        name,
        name === BUSY ? ['--cpus', '0.5'] : [],
        name === BUSY ? BUSY_LOOP : SLEEP,
      );
    }
    webhook = await WebhookReceiver.start(WEBHOOK_SECRET);
    smtp = await SmtpReceiver.start(SMTP_USER);
    outage = new EngineOutageProxy(loadInfra().docker.socketPath);
    await outage.up();
    testApp = await startTestApp({
      ...ALERT_ENV,
      ARCHNEST_AGENT_TOKEN: AGENT_TOKEN,
      STALE_AFTER_MS: '3000',
    });
    http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
    agent = http.as(AGENT_TOKEN);
    alerts = inProcess(admin);
    tcpHostId = (await addHost(admin, { name: 'alerts-local', url: unixUrl() })).id;
    const target = await createTarget(admin, targetBody('alerts-ssh'));
    await pinTarget(admin, target.id);
    sshTargetId = target.id;
    signedChannel = await createChannel(alerts, {
      name: 'signed hook',
      type: 'webhook',
      url: webhook.url,
      secret: WEBHOOK_SECRET,
    });
  });

  afterAll(async () => {
    await testApp?.close();
    await webhook?.close();
    await smtp?.close();
    await outage?.close();
    await removeContainers(CONTAINERS);
  });

  /** Stops the probe with the CLI and waits for its firing notification (see the header). */
  const armWith = async (probe: string): Promise<void> => {
    await cliStop(probe);
    await waitForNotification(webhook, 'firing', { container: probe });
  };

  it('creates, lists, updates and deletes rules and channels, and refuses bad input naming the field', async () => {
    const channel = await createChannel(alerts, {
      name: 'crud hook',
      type: 'webhook',
      url: 'https://hooks.example.test/archnest',
    });
    expect(channel).toEqual({
      id: text(/./),
      name: 'crud hook',
      type: 'webhook',
      url: 'https://hooks.example.test/archnest',
      hasSecret: false,
      email: null,
      enabled: true,
      createdAt: text(ISO),
      updatedAt: text(ISO),
    });
    const rule = await createRule(alerts, {
      name: 'crud rule',
      kind: 'cpu-above',
      channelIds: [channel.id],
      scope: { source: 'docker-tcp', container: 'crud-nothing-?' },
      threshold: 90,
    });
    expect(rule).toEqual({
      id: text(/./),
      name: 'crud rule',
      kind: 'cpu-above',
      channelIds: [channel.id],
      scope: { source: 'docker-tcp', container: 'crud-nothing-?' },
      threshold: 90,
      forSeconds: 300,
      enabled: true,
      createdAt: text(ISO),
      updatedAt: text(ISO),
    });
    const stopped = await createRule(alerts, {
      name: 'crud stopped',
      kind: 'container-stopped',
      channelIds: [channel.id],
      scope: { container: 'crud-nothing' },
    });
    expect([stopped.threshold, stopped.forSeconds, stopped.enabled]).toEqual([null, 0, true]);

    const listed = await member.get<AlertRule[]>('/api/alerts/rules');
    expect(listed.status).toBe(200);
    expect(listed.body.map((r) => r.id)).toEqual(expect.arrayContaining([rule.id, stopped.id]));

    const patched = await admin.patch<AlertRule>(`/api/alerts/rules/${rule.id}`, {
      threshold: 75,
      forSeconds: 60,
      enabled: false,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ threshold: 75, forSeconds: 60, enabled: false });
    const renamed = await admin.patch<AlertChannel>(`/api/alerts/channels/${channel.id}`, {
      name: 'crud hook 2',
    });
    expect([renamed.status, renamed.body.name]).toEqual([200, 'crud hook 2']);

    const badRules: [string, Record<string, unknown>, RegExp][] = [
      ['an unknown kind', { kind: 'disk-full' }, /kind/],
      [
        'a threshold on a kind without one',
        { kind: 'container-stopped', threshold: 5 },
        /threshold/,
      ],
      ['cpu-above without its threshold', { kind: 'cpu-above' }, /threshold/],
      ['forSeconds past a day', { kind: 'host-offline', forSeconds: 86_401 }, /forSeconds/],
      ['a negative forSeconds', { kind: 'host-offline', forSeconds: -1 }, /forSeconds/],
    ];
    for (const [what, fields, field] of badRules) {
      const reply = await admin.post('/api/alerts/rules', {
        name: `bad: ${what}`,
        channelIds: [channel.id],
        ...fields,
      });
      expect([what, reply.status]).toEqual([what, 400]);
      expect([what, messagesOf(reply.body)]).toEqual([what, text(field)]);
    }
    const badPatch = await admin.patch(`/api/alerts/rules/${stopped.id}`, { threshold: 3 });
    expect([badPatch.status, messagesOf(badPatch.body)]).toEqual([400, text(/threshold/)]);

    const badChannels: [string, Record<string, unknown>, RegExp][] = [
      ['an ftp:// url', { type: 'webhook', url: 'ftp://files.example.test/hook' }, /url/],
      ['an unknown type', { type: 'pager', url: 'https://pager.example.test' }, /type/],
      [
        'e-mail without to',
        { type: 'email', url: 'smtp://127.0.0.1:25', email: { from: 'a@example.test' } },
        /\bto\b/,
      ],
      [
        'e-mail with an http url',
        {
          type: 'email',
          url: 'http://mail.example.test',
          email: { from: 'a@example.test', to: ['b@example.test'] },
        },
        /url/,
      ],
    ];
    for (const [what, fields, field] of badChannels) {
      const reply = await admin.post('/api/alerts/channels', { name: `bad: ${what}`, ...fields });
      expect([what, reply.status]).toEqual([what, 400]);
      expect([what, messagesOf(reply.body)]).toEqual([what, text(field)]);
    }
    const badUrlPatch = await admin.patch(`/api/alerts/channels/${channel.id}`, {
      url: 'ftp://files.example.test/hook',
    });
    expect([badUrlPatch.status, messagesOf(badUrlPatch.body)]).toEqual([400, text(/url/)]);

    for (const id of [rule.id, stopped.id]) {
      expect([200, 204]).toContain((await admin.delete(`/api/alerts/rules/${id}`)).status);
    }
    expect([200, 204]).toContain((await admin.delete(`/api/alerts/channels/${channel.id}`)).status);
    const after = await admin.get<AlertRule[]>('/api/alerts/rules');
    expect(after.body.map((r) => r.id)).not.toContain(rule.id);
    const channels = await admin.get<AlertChannel[]>('/api/alerts/channels');
    expect(channels.body.map((c) => c.id)).not.toContain(channel.id);

    const audited = await auditText();
    for (const action of [
      'alerts.rule.create',
      'alerts.rule.update',
      'alerts.rule.delete',
      'alerts.channel.create',
      'alerts.channel.update',
      'alerts.channel.delete',
    ]) {
      expect([action, audited.includes(`"${action}"`)]).toEqual([action, true]);
    }
  });

  it('lets members read rules and events, and nothing else', async () => {
    const rule = await createRule(alerts, {
      name: 'members read this',
      kind: 'container-stopped',
      channelIds: [signedChannel.id],
      scope: { container: 'member-nothing' },
    });
    expect((await member.get('/api/alerts/rules')).status).toBe(200);
    const page = await member.get<AlertEventPage>('/api/alerts/events');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ page: 1, items: expect.any(Array) as unknown[] });
    expect(typeof page.body.firing).toBe('number');
    expect(typeof page.body.total).toBe('number');

    const refused: [string, () => Promise<{ status: number }>][] = [
      [
        'create a rule',
        () => member.post('/api/alerts/rules', { name: 'm', kind: 'host-offline', channelIds: [] }),
      ],
      ['update a rule', () => member.patch(`/api/alerts/rules/${rule.id}`, { enabled: false })],
      ['delete a rule', () => member.delete(`/api/alerts/rules/${rule.id}`)],
      ['list channels', () => member.get('/api/alerts/channels')],
      [
        'create a channel',
        () => member.post('/api/alerts/channels', { name: 'm', type: 'webhook', url: webhook.url }),
      ],
      [
        'update a channel',
        () => member.patch(`/api/alerts/channels/${signedChannel.id}`, { name: 'm' }),
      ],
      ['delete a channel', () => member.delete(`/api/alerts/channels/${signedChannel.id}`)],
      ['test a channel', () => member.post(`/api/alerts/channels/${signedChannel.id}/test`)],
    ];
    const before = webhook.requests.length;
    for (const [what, attempt] of refused) {
      expect([what, (await attempt()).status]).toEqual([what, 403]);
    }
    expect(webhook.requests.length).toBe(before);
    expect((await http.get('/api/alerts/rules')).status).toBe(401);
    expect((await http.get('/api/alerts/events')).status).toBe(401);
    // Still there, unchanged.
    const rules = (await admin.get<AlertRule[]>('/api/alerts/rules')).body;
    expect(rules.find((r) => r.id === rule.id)?.enabled).toBe(true);
    expect(
      (await admin.get<AlertChannel[]>('/api/alerts/channels')).body.map((c) => c.id),
    ).toContain(signedChannel.id);
    await admin.delete(`/api/alerts/rules/${rule.id}`);
  });

  it('never shows a webhook secret or SMTP password in an answer or the audit log', async () => {
    const secret = 'whsec-never-shown-7c1d0e9f';
    const password = 'smtp-never-shown-3b8a55';
    const answers: string[] = [];
    const hook = await admin.post<AlertChannel>('/api/alerts/channels', {
      name: 'secret hook',
      type: 'webhook',
      url: webhook.url,
      secret,
    });
    const mail = await admin.post<AlertChannel>('/api/alerts/channels', {
      name: 'secret mail',
      type: 'email',
      url: smtp.url,
      email: { from: 'alerts@archnest.test', to: ['ops@archnest.test'], username: 'u', password },
    });
    expect([hook.status, mail.status]).toEqual([201, 201]);
    answers.push(hook.text, mail.text);
    expect(hook.body).toMatchObject({ hasSecret: true, email: null });
    expect(mail.body).toMatchObject({
      hasSecret: false,
      email: {
        from: 'alerts@archnest.test',
        to: ['ops@archnest.test'],
        username: 'u',
        hasPassword: true,
      },
    });

    const list = await admin.get<AlertChannel[]>('/api/alerts/channels');
    answers.push(list.text);
    const renamed = await admin.patch<AlertChannel>(`/api/alerts/channels/${hook.body.id}`, {
      name: 'secret hook renamed',
    });
    answers.push(renamed.text);
    expect(renamed.body.hasSecret).toBe(true);
    const tested = await admin.post(`/api/alerts/channels/${hook.body.id}/test`);
    answers.push(tested.text);
    answers.push(await auditText());

    for (const answer of answers) {
      expect(answer).not.toContain(secret);
      expect(answer).not.toContain(password);
    }
    const cleared = await admin.patch<AlertChannel>(`/api/alerts/channels/${hook.body.id}`, {
      secret: null,
    });
    expect(cleared.body.hasSecret).toBe(false);
    const clearedMail = await admin.patch<AlertChannel>(`/api/alerts/channels/${mail.body.id}`, {
      email: {
        from: 'alerts@archnest.test',
        to: ['ops@archnest.test'],
        username: 'u',
        password: null,
      },
    });
    expect(clearedMail.body.email?.hasPassword).toBe(false);
    for (const id of [hook.body.id, mail.body.id]) {
      await admin.delete(`/api/alerts/channels/${id}`);
    }
  });

  it('tests a webhook channel (signed, the answer shown) and an e-mail channel (AUTH used)', async () => {
    const before = webhook.requests.length;
    const tested = await admin.post<ChannelTestResult>(
      `/api/alerts/channels/${signedChannel.id}/test`,
    );
    expect([200, 201]).toContain(tested.status);
    expect(tested.body).toEqual({
      ok: true,
      status: 200,
      response: expect.stringContaining(WebhookReceiver.OK_BODY) as string,
    });
    const received = webhook.requests.slice(before);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', signatureVerified: true });
    expect(received[0].headers['user-agent']).toBe('ArchNest-Alerts');
    expect(received[0].headers['content-type']).toMatch(/^application\/json/);

    const mail = await createChannel(alerts, {
      name: 'test mail',
      type: 'email',
      url: smtp.url,
      email: { from: 'alerts@archnest.test', to: ['ops@archnest.test'], ...SMTP_USER },
    });
    const mailed = await admin.post<ChannelTestResult>(`/api/alerts/channels/${mail.id}/test`);
    expect(mailed.body).toMatchObject({ ok: true, status: 250 });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]).toMatchObject({
      from: 'alerts@archnest.test',
      to: ['ops@archnest.test'],
      user: SMTP_USER.username,
    });
    expect(smtp.logins).toEqual([
      { method: text(/^(PLAIN|LOGIN)$/), username: SMTP_USER.username, accepted: true },
    ]);

    // A wrong password and a receiver that is down: not ok, with the reason.
    const wrong = await admin.patch(`/api/alerts/channels/${mail.id}`, {
      email: {
        from: 'alerts@archnest.test',
        to: ['ops@archnest.test'],
        username: SMTP_USER.username,
        password: 'wrong',
      },
    });
    expect(wrong.status).toBe(200);
    const refused = await admin.post<ChannelTestResult>(`/api/alerts/channels/${mail.id}/test`);
    expect(refused.body).toMatchObject({ ok: false, status: 535 });
    expect(smtp.messages).toHaveLength(1);
    const gone = await WebhookReceiver.start();
    const goneUrl = gone.url;
    await gone.close();
    const dead = await createChannel(alerts, { name: 'dead hook', type: 'webhook', url: goneUrl });
    const deadTest = await admin.post<ChannelTestResult>(`/api/alerts/channels/${dead.id}/test`);
    // The reason itself (ECONNREFUSED) is checked against the built process in the restart
    // test: in jest, fetch's errors come from another realm than the app's `Error`.
    expect(deadTest.body).toMatchObject({ ok: false, status: null, response: text(/./) });
    const unavailable = await WebhookReceiver.start();
    unavailable.setMode('unavailable');
    const busyHook = await createChannel(alerts, {
      name: '503 hook',
      type: 'webhook',
      url: unavailable.url,
    });
    const busyTest = await admin.post<ChannelTestResult>(
      `/api/alerts/channels/${busyHook.id}/test`,
    );
    expect(busyTest.body).toMatchObject({ ok: false, status: 503 });
    await unavailable.close();
    for (const id of [mail.id, dead.id, busyHook.id]) {
      await admin.delete(`/api/alerts/channels/${id}`);
    }
    expect(await auditText()).toContain('"alerts.channel.test"');
  });

  it('fires once when a container is stopped with the CLI and resolves once when it runs again; a stop through ArchNest does not fire', async () => {
    const rule = await createRule(alerts, {
      name: 'tcp containers must run',
      kind: 'container-stopped',
      channelIds: [signedChannel.id],
      scope: { source: 'docker-tcp', hostId: tcpHostId, container: 'alert-tcp-*' },
    });
    await armWith(TCP.probe);

    // Through ArchNest first: audited, not alerted.
    const stop = await admin.post(`/api/docker/hosts/${tcpHostId}/containers/${TCP.api}/stop`);
    expect([200, 201, 204]).toContain(stop.status);
    expect(await engineState(TCP.api)).toBe('exited');
    await cliStop(TCP.cli);
    const firing = await waitForNotification(webhook, 'firing', { container: TCP.cli });

    const body = firing.json as AlertNotification;
    expect(body).toEqual({
      status: 'firing',
      rule: 'tcp containers must run',
      kind: 'container-stopped',
      source: 'docker-tcp',
      hostId: tcpHostId,
      host: 'alerts-local',
      container: TCP.cli,
      message: `${TCP.cli} on alerts-local (docker-tcp) stopped: exited`,
      startsAt: text(ISO),
      endsAt: null,
      eventId: text(/./),
    });
    expect(firing.signatureVerified).toBe(true);
    expect(firing.headers['content-type']).toMatch(/^application\/json/);
    expect(firing.headers['user-agent']).toBe('ArchNest-Alerts');
    expect(firing.headers['x-archnest-event']).toBe(body.eventId);

    const firingNow = await waitForEvent(
      alerts,
      'the firing event',
      rule.id,
      (e) => e.container === TCP.cli,
    );
    expect(firingNow).toMatchObject({ id: body.eventId, status: 'firing', endsAt: null });
    expect((await listEvents(alerts, 'firing')).firing).toBeGreaterThanOrEqual(2);

    await cliStart(TCP.cli);
    const resolved = await waitForNotification(webhook, 'resolved', { container: TCP.cli });
    expect(resolved.json).toEqual({
      ...body,
      status: 'resolved',
      message: text(new RegExp(TCP.cli)),
      endsAt: text(ISO),
    });
    expect(resolved.signatureVerified).toBe(true);
    expect(resolved.headers['x-archnest-event']).toBe(body.eventId);

    // Exactly one of each, and no alert for the container ArchNest stopped.
    const event = await waitForEvent(
      alerts,
      'the resolved event with both deliveries sent',
      rule.id,
      (e) =>
        e.container === TCP.cli &&
        e.status === 'resolved' &&
        e.deliveries.every((d) => d.state === 'sent'),
    );
    expect(notifications(webhook, 'firing', { container: TCP.cli })).toHaveLength(1);
    expect(notifications(webhook, 'resolved', { container: TCP.cli })).toHaveLength(1);
    expect(webhook.matching({ container: TCP.api })).toEqual([]);
    const events = await eventsOf(alerts, rule.id);
    expect(events.filter((e) => e.container === TCP.api)).toEqual([]);
    expect(events.filter((e) => e.container === TCP.cli)).toHaveLength(1);
    expect(event).toMatchObject({
      kind: 'container-stopped',
      source: 'docker-tcp',
      hostId: tcpHostId,
      host: 'alerts-local',
      rule: 'tcp containers must run',
      startsAt: body.startsAt,
      endsAt: text(ISO),
    });
    expect(
      event.deliveries.map((d) => [
        d.channelId,
        d.channelName,
        d.transition,
        d.state,
        d.tries,
        d.lastError,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [signedChannel.id, 'signed hook', 'firing', 'sent', 1, null],
        [signedChannel.id, 'signed hook', 'resolved', 'sent', 1, null],
      ]),
    );
    expect(event.deliveries).toHaveLength(2);
    expect(event.deliveries.every((d) => ISO.test(d.sentAt ?? ''))).toBe(true);
    const audit = (await admin.get<Page<AuditEntry>>('/api/audit?pageSize=200')).body.items;
    expect(audit.some((row) => row.action === 'docker-tcp.container.stop')).toBe(true);
    // A member sees the same events.
    const seen = await member.get<AlertEventPage>('/api/alerts/events?status=resolved');
    expect(seen.body.items.map((e) => e.id)).toContain(event.id);
    await admin.patch(`/api/alerts/rules/${rule.id}`, { enabled: false });
  });

  it('fires for a container of an SSH target stopped with the CLI, and resolves', async () => {
    const rule = await createRule(alerts, {
      name: 'ssh containers must run',
      kind: 'container-stopped',
      channelIds: [signedChannel.id],
      scope: { source: 'docker-ssh', hostId: sshTargetId, container: 'alert-ssh-*' },
    });
    await armWith(SSH.probe);
    await cliStop(SSH.box);
    const firing = await waitForNotification(webhook, 'firing', { container: SSH.box });
    expect(firing.json).toMatchObject({
      rule: 'ssh containers must run',
      kind: 'container-stopped',
      source: 'docker-ssh',
      hostId: sshTargetId,
      host: 'alerts-ssh',
      message: `${SSH.box} on alerts-ssh (docker-ssh) stopped: exited`,
    });
    await cliStart(SSH.box);
    await waitForNotification(webhook, 'resolved', { container: SSH.box });
    expect(notifications(webhook, 'firing', { container: SSH.box })).toHaveLength(1);
    expect(notifications(webhook, 'resolved', { container: SSH.box })).toHaveLength(1);
    // The same engine's containers seen over the Docker API are not this rule's.
    expect(webhook.matching({ container: SSH.box, source: 'docker-tcp' })).toEqual([]);
    await admin.patch(`/api/alerts/rules/${rule.id}`, { enabled: false });
  });

  it('fires host-offline for an agent that stops reporting, and resolves on its next report', async () => {
    const rule = await createRule(alerts, {
      name: 'agents must report',
      kind: 'host-offline',
      channelIds: [signedChannel.id],
      scope: { source: 'agent', hostId: 'alert-agent' },
    });
    const report = () =>
      agent.post(
        '/api/agents/docker/report',
        agentReport({ hostId: 'alert-agent', hostname: 'alert-agent-box' }, 0),
      );
    expect((await report()).status).toBe(200);
    const firing = await waitForNotification(webhook, 'firing', {
      kind: 'host-offline',
      hostId: 'alert-agent',
    });
    expect(firing.json).toMatchObject({
      rule: 'agents must report',
      source: 'agent',
      host: 'alert-agent-box',
      container: null,
    });
    expect((await report()).status).toBe(200);
    await waitForNotification(webhook, 'resolved', { kind: 'host-offline', hostId: 'alert-agent' });
    expect(notifications(webhook, 'firing', { hostId: 'alert-agent' })).toHaveLength(1);
    await admin.patch(`/api/alerts/rules/${rule.id}`, { enabled: false });
  });

  it('fires host-offline for a Docker API host whose engine is unreachable, and resolves when it answers', async () => {
    const host = await addHost(admin, { name: 'alerts-outage', url: outage.url });
    const rule = await createRule(alerts, {
      name: 'engines must answer',
      kind: 'host-offline',
      channelIds: [signedChannel.id],
      scope: { source: 'docker-tcp', hostId: host.id },
    });
    await outage.down();
    const firing = await waitForNotification(webhook, 'firing', {
      kind: 'host-offline',
      hostId: host.id,
    });
    expect(firing.json).toMatchObject({
      source: 'docker-tcp',
      host: 'alerts-outage',
      container: null,
    });
    await outage.up();
    await waitForNotification(webhook, 'resolved', { kind: 'host-offline', hostId: host.id });
    expect(notifications(webhook, 'firing', { hostId: host.id })).toHaveLength(1);
    expect(notifications(webhook, 'resolved', { hostId: host.id })).toHaveLength(1);
    await admin.patch(`/api/alerts/rules/${rule.id}`, { enabled: false });
    await admin.delete(`/api/docker/hosts/${host.id}`);
  });

  it('fires cpu-above for a busy-loop container (50 % of a CPU), and resolves once it is throttled to 5 %', async () => {
    const rule = await createRule(alerts, {
      name: 'cpu under 20 %',
      kind: 'cpu-above',
      channelIds: [signedChannel.id],
      scope: { source: 'docker-tcp', hostId: tcpHostId, container: BUSY },
      threshold: 20,
      forSeconds: 4,
    });
    const firing = await waitForNotification(webhook, 'firing', { container: BUSY }, 60_000);
    expect(firing.json).toMatchObject({
      rule: 'cpu under 20 %',
      kind: 'cpu-above',
      source: 'docker-tcp',
    });
    await runDocker(['update', '--cpus', '0.05', BUSY]);
    await waitForNotification(webhook, 'resolved', { container: BUSY }, 60_000);
    expect(notifications(webhook, 'firing', { container: BUSY })).toHaveLength(1);
    await admin.patch(`/api/alerts/rules/${rule.id}`, { enabled: false });
  });

  it('retries a delivery to a receiver that answers 503 or is down, and delivers once it is back', async () => {
    const flaky = await WebhookReceiver.start();
    try {
      const channel = await createChannel(alerts, {
        name: 'flaky hook',
        type: 'webhook',
        url: flaky.url,
      });
      const rule = await createRule(alerts, {
        name: 'retried',
        kind: 'container-stopped',
        channelIds: [channel.id],
        scope: { source: 'docker-tcp', hostId: tcpHostId, container: 'alert-retry-*' },
      });
      await cliStop(RETRY.probe);
      await waitForNotification(flaky, 'firing', { container: RETRY.probe });

      flaky.setMode('unavailable');
      await cliStop(RETRY.box);
      const delivery = (event: AlertEvent) =>
        event.deliveries.find((d) => d.transition === 'firing');
      const failing = await waitForEvent(
        alerts,
        'two tries answered 503',
        rule.id,
        (e) => e.container === RETRY.box && (delivery(e)?.tries ?? 0) >= 2,
      );
      expect(delivery(failing)).toMatchObject({
        state: 'pending',
        lastError: text(/503/),
        sentAt: null,
      });
      expect(delivery(failing)?.nextAttemptAt).toMatch(ISO);

      await flaky.down();
      const triesDown = delivery(failing)?.tries ?? 0;
      const refused = await waitForEvent(
        alerts,
        'a try against the closed port',
        rule.id,
        (e) =>
          e.container === RETRY.box &&
          (delivery(e)?.tries ?? 0) > triesDown &&
          !/503/.test(delivery(e)?.lastError ?? '503'),
      );
      // A network error this time (its text: see the channel test above).
      expect(delivery(refused)).toMatchObject({ state: 'pending', lastError: text(/./) });

      flaky.setMode('ok');
      await flaky.up();
      const sent = await waitForEvent(
        alerts,
        'the delivery sent',
        rule.id,
        (e) => e.container === RETRY.box && delivery(e)?.state === 'sent',
        60_000,
      );
      const tries = delivery(sent)?.tries ?? 0;
      const attempts = flaky.matching({ status: 'firing', container: RETRY.box });
      expect(attempts.filter((r) => r.answered === 200)).toHaveLength(1);
      // Every try is counted: the 503s it saw, those that met a closed port, and the last one.
      expect(tries).toBeGreaterThan(attempts.length);
      expect(delivery(sent)?.sentAt).toMatch(ISO);
      await admin.patch(`/api/alerts/rules/${rule.id}`, { enabled: false });
    } finally {
      await flaky.close();
    }
  });

  it('delivers a firing alert by e-mail to the SMTP server, with AUTH', async () => {
    const channel = await createChannel(alerts, {
      name: 'ops mail',
      type: 'email',
      url: smtp.url,
      email: {
        from: 'alerts@archnest.test',
        to: ['ops@archnest.test', 'oncall@archnest.test'],
        ...SMTP_USER,
      },
    });
    const rule = await createRule(alerts, {
      name: 'mailed',
      kind: 'container-stopped',
      channelIds: [channel.id],
      scope: { source: 'docker-tcp', hostId: tcpHostId, container: 'alert-mail-*' },
    });
    const mailAbout = (name: string) => smtp.messages.filter((m) => m.text.includes(name));
    await cliStop(MAIL.probe);
    await waitFor('the probe mail', () => mailAbout(MAIL.probe).length > 0);
    await cliStop(MAIL.box);
    await waitFor('the mail about the box', () => mailAbout(MAIL.box).length > 0);
    const [message] = mailAbout(MAIL.box);
    expect(message).toMatchObject({
      from: 'alerts@archnest.test',
      to: ['ops@archnest.test', 'oncall@archnest.test'],
      user: SMTP_USER.username,
      secure: false,
    });
    expect(message.text).toContain(`${MAIL.box} on alerts-local (docker-tcp)`);
    const event = await waitForEvent(
      alerts,
      'the mail delivery sent',
      rule.id,
      (e) => e.container === MAIL.box && e.deliveries.some((d) => d.state === 'sent'),
    );
    expect(event.deliveries).toEqual([
      expect.objectContaining({
        channelId: channel.id,
        transition: 'firing',
        state: 'sent',
        tries: 1,
      }),
    ]);
    expect(mailAbout(MAIL.box)).toHaveLength(1);
    await admin.patch(`/api/alerts/rules/${rule.id}`, { enabled: false });
  });
});

/**
 * A restart of the API mid-incident (the built process, same data dir and database): no second
 * firing for the container that was already down, and one resolved when it runs again. The
 * e-mail goes over smtps to a server with a self-signed certificate that only the API process
 * is told to trust (NODE_EXTRA_CA_CERTS), never with verification turned off.
 */
describe('alerts across an API restart', () => {
  const BOX = 'alert-rs-box';
  const PROBES = ['alert-rs-probe-1', 'alert-rs-probe-2'];
  let dataDir: string;
  let database: TestDatabase | null = null;
  let webhook: WebhookReceiver;
  let smtps: SmtpReceiver;
  let api: ApiProcess | null = null;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    await removeContainers([BOX, ...PROBES]);
    for (const name of [BOX, ...PROBES]) {
      await runContainer(name, [], SLEEP);
    }
    webhook = await WebhookReceiver.start(WEBHOOK_SECRET);
    smtps = await SmtpReceiver.start(SMTP_USER, 'smtps');
    dataDir = mkdtempSync(join(tmpdir(), 'archnest-alerts-restart-'));
    database = testDatabaseKind() === 'postgres' ? await createPostgresDatabase() : null;
    env = {
      ...ALERT_ENV,
      ARCHNEST_DATA_DIR: dataDir,
      ARCHNEST_JWT_SECRET: 'alerts-restart-jwt-secret-0123456789abcdef',
      ARCHNEST_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
      NODE_EXTRA_CA_CERTS: smtps.caFile ?? '',
      ...(database ? { DATABASE_URL: database.url } : {}),
    };
  });

  afterAll(async () => {
    await api?.stop();
    await webhook?.close();
    await smtps?.close();
    await database?.drop();
    if (dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
    }
    await removeContainers([BOX, ...PROBES]);
  });

  it('sends no second firing after a restart, and one resolved', async () => {
    api = await startApiProcess(env);
    const { admin } = await seedUsersOver(api.baseUrl);
    let client = overHttp(api.baseUrl, admin);
    const host = await call<{ id: string }>(api.baseUrl, 'POST', '/api/docker/hosts', {
      token: admin,
      body: { name: 'restarted-engine', url: unixUrl() },
    });
    expect(host.status).toBe(201);
    const hook = await createChannel(client, {
      name: 'hook',
      type: 'webhook',
      url: webhook.url,
      secret: WEBHOOK_SECRET,
    });
    const mail = await createChannel(client, {
      name: 'tls mail',
      type: 'email',
      url: smtps.url,
      email: { from: 'alerts@archnest.test', to: ['ops@archnest.test'], ...SMTP_USER },
    });
    const rule = await createRule(client, {
      name: 'survives restarts',
      kind: 'container-stopped',
      channelIds: [hook.id, mail.id],
      scope: { source: 'docker-tcp', hostId: host.body.id, container: 'alert-rs-*' },
    });
    await cliStop(PROBES[0]);
    await waitForNotification(webhook, 'firing', { container: PROBES[0] });
    await cliStop(BOX);
    const firing = await waitForNotification(webhook, 'firing', { container: BOX });
    expect(firing.signatureVerified).toBe(true);
    await waitFor('the mail about the box over TLS', () =>
      smtps.messages.some((m) => m.text.includes(BOX)),
    );
    expect(smtps.messages.find((m) => m.text.includes(BOX))).toMatchObject({
      secure: true,
      user: SMTP_USER.username,
    });

    await api.stop();
    api = await startApiProcess(env);
    client = overHttp(api.baseUrl, await login(api.baseUrl, ADMIN));
    // A probe stopped after the restart fires: the new process's rounds have covered the box too.
    await cliStop(PROBES[1]);
    await waitForNotification(webhook, 'firing', { container: PROBES[1] });
    expect(notifications(webhook, 'firing', { container: BOX })).toHaveLength(1);
    expect(smtps.messages.filter((m) => m.text.includes(BOX))).toHaveLength(1);
    const open = await eventsOf(client, rule.id);
    expect(open.filter((e) => e.container === BOX).map((e) => e.status)).toEqual(['firing']);

    await cliStart(BOX);
    const resolved = await waitForNotification(webhook, 'resolved', { container: BOX });
    expect(resolved.headers['x-archnest-event']).toBe(firing.headers['x-archnest-event']);
    await waitFor(
      'the resolved mail',
      () => smtps.messages.filter((m) => m.text.includes(BOX)).length === 2,
    );
    expect(notifications(webhook, 'firing', { container: BOX })).toHaveLength(1);
    expect(notifications(webhook, 'resolved', { container: BOX })).toHaveLength(1);
    const events = (await eventsOf(client, rule.id)).filter((e) => e.container === BOX);
    expect(events.map((e) => e.status)).toEqual(['resolved']);

    // What a try that met a closed port shows: the reason, not just "fetch failed".
    const gone = await WebhookReceiver.start();
    const goneUrl = gone.url;
    await gone.close();
    const dead = await createChannel(client, { name: 'dead hook', type: 'webhook', url: goneUrl });
    const tested = await client.send<ChannelTestResult>(
      'POST',
      `/api/alerts/channels/${dead.id}/test`,
    );
    expect(tested.body).toMatchObject({ ok: false, status: null, response: text(/ECONNREFUSED/) });
  }, 180_000);
});
