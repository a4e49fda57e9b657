/**
 * Host and resource alerts (docs/alerts.md) on SQLite and PostgreSQL, notifying a real webhook
 * receiver that checks the signature on the raw body: host-offline for an agent that stops
 * reporting and for a Docker API host behind a proxy that goes down, and cpu-above for a
 * busy-loop container on the private dockerd.
 */
import type { AlertChannel } from '@archnest/contracts';
import { runDocker } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import { agentReport } from '../support/agent-report-fixture';
import { WebhookReceiver } from '../support/alert-receivers';
import {
  createRule,
  createSignedChannel,
  notifications,
  startAlertsApp,
  waitForNotification,
  type AlertsClient,
  WEBHOOK_SECRET,
} from '../support/alerts-api';
import { addHost, removeContainers, runContainer } from '../support/docker-tcp';
import { EngineOutageProxy } from '../support/engine-outage';
import type { Http } from '../support/http';
import type { TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const BUSY_LOOP = ['sh', '-c', 'while :; do :; done'];
const BUSY = 'alert-busy';

describe('alerts: hosts and resources', () => {
  let testApp: TestApp;
  let admin: Http;
  let alerts: AlertsClient;
  let agent: Http;
  let webhook: WebhookReceiver;
  let outage: EngineOutageProxy;
  let tcpHostId: string;
  let signedChannel: AlertChannel;

  beforeAll(async () => {
    await removeContainers([BUSY]);
    await runContainer(BUSY, ['--cpus', '0.5'], BUSY_LOOP);
    webhook = await WebhookReceiver.start(WEBHOOK_SECRET);
    outage = new EngineOutageProxy(loadInfra().docker.socketPath);
    await outage.up();
    ({ testApp, admin, agent, alerts, tcpHostId } = await startAlertsApp());
    signedChannel = await createSignedChannel(alerts, webhook);
  });

  afterAll(async () => {
    await testApp?.close();
    await webhook?.close();
    await outage?.close();
    await removeContainers([BUSY]);
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
});
