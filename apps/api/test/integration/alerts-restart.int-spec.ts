/**
 * Alerts across a restart of the built API process (docs/alerts.md), on SQLite and PostgreSQL,
 * with the private dockerd as a Docker API host, a real webhook receiver and an smtps server.
 */
import type { ChannelTestResult } from '@archnest/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabaseKind } from '../harness/infra';
import { waitFor } from '../harness/proc';
import { login, seedUsersOver, call } from '../support/agent-load';
import { SmtpReceiver, WebhookReceiver } from '../support/alert-receivers';
import {
  cliStart,
  cliStop,
  createChannel,
  createRule,
  eventsOf,
  notifications,
  overHttp,
  waitForNotification,
  ALERT_ENV,
  WEBHOOK_SECRET,
  SMTP_USER,
  SLEEP,
  text,
} from '../support/alerts-api';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { removeContainers, runContainer, unixUrl } from '../support/docker-tcp';
import { ADMIN } from '../support/http';
import { createPostgresDatabase, type TestDatabase } from '../support/test-app';

jest.setTimeout(120_000);

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
