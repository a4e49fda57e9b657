/**
 * Alert delivery (docs/alerts.md) on SQLite and PostgreSQL: retries against a real webhook
 * receiver that answers 503 or is down, and e-mail to a real SMTP server that checks AUTH, for
 * containers on the private dockerd stopped with the docker CLI. Each scenario arms its rule with
 * a probe container (see support/alerts-api.ts).
 */
import type { AlertEvent } from '@archnest/contracts';
import { waitFor } from '../harness/proc';
import { SmtpReceiver, WebhookReceiver } from '../support/alert-receivers';
import {
  cliStop,
  createChannel,
  createRule,
  runSleepers,
  startAlertsApp,
  waitForEvent,
  waitForNotification,
  type AlertsClient,
  SMTP_USER,
  ISO,
  text,
} from '../support/alerts-api';
import { removeContainers } from '../support/docker-tcp';
import type { Http } from '../support/http';
import type { TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const MAIL = { probe: 'alert-mail-probe', box: 'alert-mail-box' };
const RETRY = { probe: 'alert-retry-probe', box: 'alert-retry-box' };
const CONTAINERS = [...Object.values(MAIL), ...Object.values(RETRY)];

describe('alerts: delivery', () => {
  let testApp: TestApp;
  let admin: Http;
  let alerts: AlertsClient;
  let smtp: SmtpReceiver;
  let tcpHostId: string;

  beforeAll(async () => {
    await runSleepers(CONTAINERS);
    smtp = await SmtpReceiver.start(SMTP_USER);
    ({ testApp, admin, alerts, tcpHostId } = await startAlertsApp());
  });

  afterAll(async () => {
    await testApp?.close();
    await smtp?.close();
    await removeContainers(CONTAINERS);
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
      // A network error this time (its text: see the channel test in alerts-api.int-spec.ts).
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
