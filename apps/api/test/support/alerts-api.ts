/**
 * Helpers shared by the alerts integration tests (docs/alerts.md): the routes as an admin calls
 * them, over either the in-process app (`Http`) or a built API process (`call`), the waits on
 * real receivers, and the setup the in-process specs share. Every wait polls with a deadline;
 * nothing asserts on elapsed time.
 *
 * A rule only fires for a container it saw running, and the evaluator's rounds are not visible
 * from outside: a scenario first stops a "probe" container covered by the same rule and waits for
 * its notification. The probe ran since before the rule existed, as did the container under test,
 * so from then on the evaluator has seen both running.
 */
import type {
  AlertChannel,
  AlertEvent,
  AlertEventPage,
  AlertRule,
  CreateAlertChannel,
  CreateAlertRule,
} from '@archnest/contracts';
import { runDocker } from '../harness/docker-engine';
import { waitFor } from '../harness/proc';
import { call } from './agent-load';
import type { WebhookReceiver, WebhookRequest } from './alert-receivers';
import { addHost, removeContainers, runContainer, unixUrl } from './docker-tcp';
import { Http, seedUsers } from './http';
import { startTestApp, type TestApp } from './test-app';

/** What the alerts specs share: fast rounds, history on, and the receivers' credentials. */
export const ALERT_ENV = {
  ARCHNEST_ALERTS_INTERVAL_MS: '1000',
  ARCHNEST_ALERTS_RETRY_BASE_MS: '1000',
  ARCHNEST_DOCKER_STATS_INTERVAL_MS: '1000',
  ARCHNEST_SSH_STATS_INTERVAL_MS: '1000',
  ARCHNEST_METRICS_HISTORY: 'on',
};
export const WEBHOOK_SECRET = 'whsec-alerts-test-4f1c9b7e2a';
export const SMTP_USER = { username: 'alerts-mailer', password: 'smtp-pass-alerts-9d2e61' };
export const SLEEP = ['sleep', '3600'];
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Any string matching `pattern`, inside toEqual / toMatchObject. */
export const text = (pattern: RegExp): string => expect.stringMatching(pattern) as string;

/** The subset of an HTTP client the alerts helpers need, for Http and for a process API. */
export interface AlertsClient {
  send<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<{
    status: number;
    body: T;
    text: string;
  }>;
}

export function inProcess(http: Http): AlertsClient {
  return { send: (method, path, body) => http.send(method, path, body) };
}

export function overHttp(baseUrl: string, token: string): AlertsClient {
  return {
    async send<T>(method: string, path: string, body?: unknown) {
      const reply = await call<T>(baseUrl, method, path, { token, body });
      return { status: reply.status, body: reply.body, text: JSON.stringify(reply.body) };
    },
  };
}

async function created<T>(client: AlertsClient, path: string, body: unknown): Promise<T> {
  const reply = await client.send<T>('POST', path, body);
  if (reply.status !== 201) {
    throw new Error(`POST ${path} failed: ${reply.status} ${reply.text}`);
  }
  return reply.body;
}

export const createChannel = (client: AlertsClient, body: CreateAlertChannel) =>
  created<AlertChannel>(client, '/api/alerts/channels', body);

export const createRule = (client: AlertsClient, body: CreateAlertRule) =>
  created<AlertRule>(client, '/api/alerts/rules', body);

/** Every event (newest first), optionally of one status. */
export async function listEvents(
  client: AlertsClient,
  status?: 'firing' | 'resolved',
): Promise<AlertEventPage> {
  const query = status ? `status=${status}&` : '';
  const reply = await client.send<AlertEventPage>(
    'GET',
    `/api/alerts/events?${query}page=1&pageSize=200`,
  );
  if (reply.status !== 200) {
    throw new Error(`GET /api/alerts/events failed: ${reply.status} ${reply.text}`);
  }
  return reply.body;
}

/** The events of one rule (newest first). */
export async function eventsOf(client: AlertsClient, ruleId: string): Promise<AlertEvent[]> {
  return (await listEvents(client)).items.filter((event) => event.ruleId === ruleId);
}

/** Polls the events until `check` accepts one of the rule's; returns it. */
export async function waitForEvent(
  client: AlertsClient,
  what: string,
  ruleId: string,
  check: (event: AlertEvent) => boolean,
  timeoutMs = 30_000,
): Promise<AlertEvent> {
  let found: AlertEvent | undefined;
  await waitFor(
    what,
    async () => (found = (await eventsOf(client, ruleId)).find(check)) !== undefined,
    timeoutMs,
  );
  return found as AlertEvent;
}

/** Notifications of one transition about one container (or one host, with container null). */
export function notifications(
  receiver: WebhookReceiver,
  status: 'firing' | 'resolved',
  fields: Record<string, unknown>,
): WebhookRequest[] {
  return receiver.matching({ status, ...fields }).filter((request) => request.answered === 200);
}

/** Waits until the receiver has accepted a notification of that transition; returns the first. */
export async function waitForNotification(
  receiver: WebhookReceiver,
  status: 'firing' | 'resolved',
  fields: Record<string, unknown>,
  timeoutMs = 30_000,
): Promise<WebhookRequest> {
  await waitFor(
    `a ${status} notification for ${JSON.stringify(fields)}`,
    () => notifications(receiver, status, fields).length > 0,
    timeoutMs,
  );
  return notifications(receiver, status, fields)[0];
}

/** `docker stop` / `docker start` with the CLI on the private engine, behind ArchNest's back. */
export async function cliStop(name: string): Promise<void> {
  await runDocker(['stop', '--time', '1', name]);
}

export async function cliStart(name: string): Promise<void> {
  await runDocker(['start', name]);
}

export const AGENT_TOKEN = 'alerts-agent-token-0123456789abcdef';

/** An in-process alerts app: its callers, and the private engine as the Docker API host. */
export interface AlertsApp {
  testApp: TestApp;
  admin: Http;
  member: Http;
  agent: Http;
  alerts: AlertsClient;
  tcpHostId: string;
}

/**
 * Starts the app of the in-process alerts specs (ALERT_ENV, the agent token, sources stale after
 * 3 s), seeds the users and adds the private engine over its unix socket as `alerts-local`.
 * Closes the app again if a step after its start fails.
 */
export async function startAlertsApp(): Promise<AlertsApp> {
  const testApp = await startTestApp({
    ...ALERT_ENV,
    ARCHNEST_AGENT_TOKEN: AGENT_TOKEN,
    STALE_AFTER_MS: '3000',
  });
  try {
    const http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    const admin = http.as(tokens.admin);
    const tcpHostId = (await addHost(admin, { name: 'alerts-local', url: unixUrl() })).id;
    return {
      testApp,
      admin,
      member: http.as(tokens.member),
      agent: http.as(AGENT_TOKEN),
      alerts: inProcess(admin),
      tcpHostId,
    };
  } catch (error) {
    await testApp.close();
    throw error;
  }
}

/** Removes leftovers of these names, then runs each as a sleeping container on the engine. */
export async function runSleepers(names: string[]): Promise<void> {
  await removeContainers(names);
  for (const name of names) {
    await runContainer(name, [], SLEEP);
  }
}

/** The webhook channel the specs notify through, signed with WEBHOOK_SECRET. */
export const createSignedChannel = (client: AlertsClient, receiver: WebhookReceiver) =>
  createChannel(client, {
    name: 'signed hook',
    type: 'webhook',
    url: receiver.url,
    secret: WEBHOOK_SECRET,
  });
