/**
 * The alerts routes (docs/alerts.md) on SQLite and PostgreSQL: rules and channels with their
 * validation, who may call what, write-only secrets, and the channel test against a real webhook
 * receiver that checks the signature on the raw body and a real SMTP server that checks AUTH.
 */
import type {
  AlertChannel,
  AlertEventPage,
  AlertRule,
  AuditEntry,
  ChannelTestResult,
  Page,
} from '@archnest/contracts';
import { SmtpReceiver, WebhookReceiver } from '../support/alert-receivers';
import {
  createChannel,
  createRule,
  inProcess,
  type AlertsClient,
  ALERT_ENV,
  WEBHOOK_SECRET,
  SMTP_USER,
  ISO,
  text,
} from '../support/alerts-api';
import { Http, seedUsers } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const AGENT_TOKEN = 'alerts-agent-token-0123456789abcdef';

const messagesOf = (body: unknown): string =>
  JSON.stringify((body as { message?: unknown }).message ?? body);

describe('alerts API', () => {
  let testApp: TestApp;
  let http: Http;
  let admin: Http;
  let member: Http;
  let alerts: AlertsClient;
  let webhook: WebhookReceiver;
  let smtp: SmtpReceiver;
  let signedChannel: AlertChannel;

  const auditText = async (): Promise<string> =>
    (await admin.get<Page<AuditEntry>>('/api/audit?pageSize=200')).text;

  beforeAll(async () => {
    webhook = await WebhookReceiver.start(WEBHOOK_SECRET);
    smtp = await SmtpReceiver.start(SMTP_USER);
    testApp = await startTestApp({ ...ALERT_ENV, ARCHNEST_AGENT_TOKEN: AGENT_TOKEN });
    http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
    alerts = inProcess(admin);
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
  });

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
});
