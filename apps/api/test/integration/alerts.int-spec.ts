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
  AuditEntry,
  Page,
} from '@archnest/contracts';
import { runDocker } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import { waitFor } from '../harness/proc';
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
  waitForEvent,
  waitForNotification,
  type AlertsClient,
  ALERT_ENV,
  WEBHOOK_SECRET,
  SMTP_USER,
  SLEEP,
  ISO,
  text,
} from '../support/alerts-api';
import { createTarget, pinTarget, targetBody } from '../support/docker-ssh';
import {
  addHost,
  engineState,
  removeContainers,
  runContainer,
  unixUrl,
} from '../support/docker-tcp';
import { EngineOutageProxy } from '../support/engine-outage';
import { Http, seedUsers } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const AGENT_TOKEN = 'alerts-agent-token-0123456789abcdef';
const BUSY_LOOP = ['sh', '-c', 'while :; do :; done'];

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
