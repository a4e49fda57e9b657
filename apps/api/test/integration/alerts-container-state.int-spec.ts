/**
 * Container-stopped alerts (docs/alerts.md) over each container source, on SQLite and
 * PostgreSQL: the private dockerd as a Docker API host (unix socket) and the harness's sshd as an
 * SSH target on the same engine, notifying a real webhook receiver that checks the signature on
 * the raw body. Containers are stopped with the docker CLI behind ArchNest's back; a stop through
 * ArchNest's API is audited, not alerted. Each scenario arms its rule with a probe container
 * (see support/alerts-api.ts).
 */
import type {
  AlertChannel,
  AlertEventPage,
  AlertNotification,
  AuditEntry,
  Page,
} from '@archnest/contracts';
import { WebhookReceiver } from '../support/alert-receivers';
import {
  cliStart,
  cliStop,
  createRule,
  createSignedChannel,
  eventsOf,
  listEvents,
  notifications,
  runSleepers,
  startAlertsApp,
  waitForEvent,
  waitForNotification,
  type AlertsClient,
  WEBHOOK_SECRET,
  ISO,
  text,
} from '../support/alerts-api';
import { createTarget, pinTarget, targetBody } from '../support/docker-ssh';
import { engineState, removeContainers } from '../support/docker-tcp';
import type { Http } from '../support/http';
import type { TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const TCP = { probe: 'alert-tcp-probe', cli: 'alert-tcp-cli', api: 'alert-tcp-api' };
const SSH = { probe: 'alert-ssh-probe', box: 'alert-ssh-box' };
const CONTAINERS = [...Object.values(TCP), ...Object.values(SSH)];

describe('alerts: container state over the sources', () => {
  let testApp: TestApp;
  let admin: Http;
  let member: Http;
  let alerts: AlertsClient;
  let webhook: WebhookReceiver;
  let tcpHostId: string;
  let sshTargetId: string;
  let signedChannel: AlertChannel;

  beforeAll(async () => {
    await runSleepers(CONTAINERS);
    webhook = await WebhookReceiver.start(WEBHOOK_SECRET);
    ({ testApp, admin, member, alerts, tcpHostId } = await startAlertsApp());
    const target = await createTarget(admin, targetBody('alerts-ssh'));
    await pinTarget(admin, target.id);
    sshTargetId = target.id;
    signedChannel = await createSignedChannel(alerts, webhook);
  });

  afterAll(async () => {
    await testApp?.close();
    await webhook?.close();
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
});
