/**
 * Alerts with two replicas on one PostgreSQL (docs/alerts.md, postgres project only): two built
 * API processes share the database and one Docker API host; one evaluator and one sender run at
 * a time, the holder of the `alerts` lease (metric_leases). A container stopped with the CLI is
 * notified once, not once per replica. The process that started first (and so took the lease) is
 * killed with SIGKILL, so its lease is never handed over: the other takes over once the lease has
 * run out, not before, within max(3 × interval, 10 s) + interval, and the container started again
 * is resolved once, with no second firing.
 */
import { Client } from 'pg';
import { testDatabaseKind } from '../harness/infra';
import { waitFor } from '../harness/proc';
import { call, seedUsersOver } from '../support/agent-load';
import { WebhookReceiver } from '../support/alert-receivers';
import {
  cliStart,
  cliStop,
  createChannel,
  createRule,
  eventsOf,
  notifications,
  overHttp,
  waitForNotification,
} from '../support/alerts-api';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { removeContainers, runContainer, unixUrl } from '../support/docker-tcp';
import { createPostgresDatabase, type TestDatabase } from '../support/test-app';

const BOX = 'alert-rep-box';
const PROBES = ['alert-rep-probe-1', 'alert-rep-probe-2'];
const SECRET = 'whsec-replicas-1f2e3d4c5b';
const INTERVAL_MS = 1_000;
/** docs/alerts.md: a lease outlives 3 rounds, and at least 10 s. */
const LEASE_MS = Math.max(3 * INTERVAL_MS, 10_000);
/** docs/alerts.md: "within about max(3 × interval, 10 s) + interval" (+1 s for a round's work). */
const TAKEOVER_MS = LEASE_MS + INTERVAL_MS + 1_000;
/** After the takeover: a collector round, an evaluator round and a sender pass (a wait, not a bound). */
const RESOLVE_AFTER_TAKEOVER_MS = 15_000;

const describePostgres = testDatabaseKind() === 'postgres' ? describe : describe.skip;

describePostgres('alerts with two replicas on one PostgreSQL', () => {
  let database: TestDatabase;
  let pg: Client;
  let webhook: WebhookReceiver;
  const apis: ApiProcess[] = [];

  /** The `alerts` leases (one row per role: the evaluator's and the sender's), by role. */
  const alertLeases = async (): Promise<{ role: string; holder: string; expiresAt: number }[]> => {
    const { rows } = await pg.query<{ host_id: string; holder: string; expires_at: string }>(
      "SELECT host_id, holder, expires_at FROM metric_leases WHERE source = 'alerts' ORDER BY host_id",
    );
    return rows.map((row) => ({
      role: row.host_id,
      holder: row.holder,
      expiresAt: Number(row.expires_at),
    }));
  };

  beforeAll(async () => {
    await removeContainers([BOX, ...PROBES]);
    for (const name of [BOX, ...PROBES]) {
      await runContainer(name, [], ['sleep', '3600']);
    }
    webhook = await WebhookReceiver.start(SECRET);
    database = await createPostgresDatabase();
    pg = new Client({ connectionString: database.url });
    const env = {
      DATABASE_URL: database.url,
      ARCHNEST_JWT_SECRET: 'alerts-replicas-share-one-jwt-secret-0123',
      ARCHNEST_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'),
      ARCHNEST_ALERTS_INTERVAL_MS: String(INTERVAL_MS),
      ARCHNEST_ALERTS_RETRY_BASE_MS: '1000',
      ARCHNEST_DOCKER_STATS_INTERVAL_MS: String(INTERVAL_MS),
    };
    // One after the other: the first runs the migrations and takes the alerts lease.
    for (let i = 0; i < 2; i++) {
      apis.push(await startApiProcess(env));
    }
    await pg.connect();
  });

  afterAll(async () => {
    for (const api of apis) {
      await api.stop();
    }
    await pg?.end();
    await database?.drop();
    await webhook?.close();
    await removeContainers([BOX, ...PROBES]);
  });

  it('notifies once from one replica, and the other takes over when it dies', async () => {
    const [first, second] = apis;
    const { admin } = await seedUsersOver(first.baseUrl);
    const host = await call<{ id: string }>(first.baseUrl, 'POST', '/api/docker/hosts', {
      token: admin,
      body: { name: 'shared-engine', url: unixUrl() },
    });
    expect(host.status).toBe(201);
    const viaFirst = overHttp(first.baseUrl, admin);
    const viaSecond = overHttp(second.baseUrl, admin);
    const channel = await createChannel(viaFirst, {
      name: 'hook',
      type: 'webhook',
      url: webhook.url,
      secret: SECRET,
    });
    const rule = await createRule(viaFirst, {
      name: 'replicated',
      kind: 'container-stopped',
      channelIds: [channel.id],
      scope: { source: 'docker-tcp', hostId: host.body.id, container: 'alert-rep-*' },
    });

    // Seen running by the evaluator: a probe covered by the rule fires (see alerts.int-spec.ts).
    await cliStop(PROBES[0]);
    await waitForNotification(webhook, 'firing', { container: PROBES[0] });
    await cliStop(BOX);
    const firing = await waitForNotification(webhook, 'firing', { container: BOX });
    expect(firing.signatureVerified).toBe(true);
    // Later rounds of both replicas (a second probe fires after them) sent nothing more.
    await cliStop(PROBES[1]);
    await waitForNotification(webhook, 'firing', { container: PROBES[1] });
    expect(notifications(webhook, 'firing', { container: BOX })).toHaveLength(1);
    expect(webhook.requests.filter((r) => r.answered === 200)).toHaveLength(3);
    // Both replicas answer the same events from the database.
    for (const client of [viaFirst, viaSecond]) {
      const events = (await eventsOf(client, rule.id)).filter((e) => e.container === BOX);
      expect(events.map((e) => e.status)).toEqual(['firing']);
    }
    // One process holds the alerts lease: every role's row names the same holder.
    const leases = await alertLeases();
    expect(leases.length).toBeGreaterThanOrEqual(1);
    const holders = new Set(leases.map((lease) => lease.holder));
    expect(holders.size).toBe(1);
    const [holder] = [...holders];

    // SIGKILL: no shutdown hook hands the lease over; the survivor waits for it to run out.
    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = Date.now();
    const dead = await alertLeases();
    expect(dead.map((lease) => lease.holder)).toEqual(leases.map(() => holder));
    const runsOutAt = Math.max(...dead.map((lease) => lease.expiresAt));
    await cliStart(BOX);
    // The takeover: every alerts lease row names another holder (a lease row only changes hands
    // once it has run out, so this is when the survivor's evaluator and sender start).
    let takenOverAt = 0;
    await waitFor(
      'the other replica to take the alerts lease over',
      async () => {
        const rows = await alertLeases();
        const taken = rows.length === dead.length && rows.every((r) => r.holder !== holder);
        takenOverAt = taken ? Date.now() : 0;
        return taken;
      },
      3 * LEASE_MS,
    );
    const resolved = await waitForNotification(
      webhook,
      'resolved',
      { container: BOX },
      RESOLVE_AFTER_TAKEOVER_MS,
    );
    console.log(
      `lease taken over ${takenOverAt - killedAt} ms and the box resolved ` +
        `${resolved.at - killedAt} ms after the holder was killed ` +
        `(its lease ran out ${runsOutAt - killedAt} ms after the kill)`,
    );
    expect(takenOverAt - killedAt).toBeLessThanOrEqual(TAKEOVER_MS);
    // Not before the dead replica's lease ran out: it was the only evaluator and sender.
    expect(takenOverAt).toBeGreaterThanOrEqual(runsOutAt);
    expect(resolved.at).toBeGreaterThanOrEqual(runsOutAt);
    expect(resolved.headers['x-archnest-event']).toBe(firing.headers['x-archnest-event']);
    expect(resolved.signatureVerified).toBe(true);

    // The survivor holds the lease now and keeps evaluating, with no second firing for the box.
    await cliStart(PROBES[1]);
    await waitForNotification(webhook, 'resolved', { container: PROBES[1] });
    const now = await alertLeases();
    expect(now.map((lease) => lease.role)).toEqual(dead.map((lease) => lease.role));
    expect(now.every((lease) => lease.holder !== holder)).toBe(true);
    expect(notifications(webhook, 'firing', { container: BOX })).toHaveLength(1);
    expect(notifications(webhook, 'resolved', { container: BOX })).toHaveLength(1);
    const events = (await eventsOf(viaSecond, rule.id)).filter((e) => e.container === BOX);
    expect(events.map((e) => [e.status, e.deliveries.map((d) => [d.transition, d.state])])).toEqual(
      [
        [
          'resolved',
          expect.arrayContaining([
            ['firing', 'sent'],
            ['resolved', 'sent'],
          ]) as unknown,
        ],
      ],
    );
  }, 120_000);
});
