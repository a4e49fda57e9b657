import { createHmac } from 'node:crypto';
import type { AlertNotification } from '@archnest/contracts';
import { createTransport } from 'nodemailer';
import type { EmailSettings } from './alert-channel.entity';

/** A receiver gets this long to answer. */
const TIMEOUT_MS = 10_000;
/** What is kept of a receiver's answer. */
export const MAX_RESPONSE = 500;

/** A channel ready to send: its secrets opened. */
export interface OpenChannel {
  type: 'webhook' | 'slack' | 'discord' | 'ntfy' | 'email';
  url: string;
  secret: string | null;
  email: (EmailSettings & { password: string | null }) | null;
}

/** What a receiver answered: an HTTP status or an SMTP reply code, and its text (cut). */
export interface ReceiverAnswer {
  status: number | null;
  response: string;
}

/** A receiver that refused, failed or did not answer; the message is shown to the operator. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly answer: ReceiverAnswer,
  ) {
    super(message);
  }
}

const cut = (text: string): string =>
  text.length > MAX_RESPONSE ? `${text.slice(0, MAX_RESPONSE)}…` : text;

/** The one line chat channels and e-mail subjects show. */
export function headline(notification: AlertNotification): string {
  return `[${notification.status.toUpperCase()}] ${notification.rule}: ${notification.message}`;
}

function bodyText(notification: AlertNotification): string {
  const lines = [
    headline(notification),
    '',
    `Kind: ${notification.kind}`,
    `Host: ${notification.host} (${notification.source}, ${notification.hostId})`,
    ...(notification.container ? [`Container: ${notification.container}`] : []),
    `Started: ${notification.startsAt}`,
    ...(notification.endsAt ? [`Resolved: ${notification.endsAt}`] : []),
  ];
  return lines.join('\n');
}

/** A channel delivered over HTTP (every type but e-mail). */
type HttpChannel = OpenChannel & { type: Exclude<OpenChannel['type'], 'email'> };

/** The request each HTTP channel type makes of a notification. */
function httpRequest(
  channel: HttpChannel,
  notification: AlertNotification,
): { body: string; headers: Record<string, string> } {
  const json = (value: unknown) => ({
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json' },
  });
  switch (channel.type) {
    case 'slack':
      // Slack and Mattermost read <…> as links and mentions; host names come from agents.
      return json({ text: escapeSlack(bodyText(notification)) });
    case 'discord':
      return json({
        content: bodyText(notification).slice(0, 2_000),
        allowed_mentions: { parse: [] },
      });
    case 'ntfy':
      return {
        body: bodyText(notification),
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          title: headerText(
            `${notification.status === 'firing' ? 'Firing' : 'Resolved'}: ${notification.rule}`,
          ),
          priority: notification.status === 'firing' ? 'high' : 'default',
          tags: notification.status === 'firing' ? 'rotating_light' : 'white_check_mark',
        },
      };
    case 'webhook': {
      const request = json(notification);
      const headers: Record<string, string> = {
        ...request.headers,
        'x-archnest-event': notification.eventId,
      };
      if (channel.secret) {
        headers['x-archnest-signature'] = `sha256=${sign(request.body, channel.secret)}`;
      }
      return { body: request.body, headers };
    }
  }
}

function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A header value as ntfy reads it: ASCII as is, anything else RFC 2047-encoded. */
function headerText(text: string): string {
  return /^[\x20-\x7e]*$/.test(text)
    ? text
    : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

export function sign(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Why fetch failed: undici's `fetch failed` carries the reason (`connect ECONNREFUSED …`) in its
 * cause; a timeout is an AbortSignal's. Read by shape: the errors may come from another realm.
 */
function fetchFailure(error: unknown): string {
  const { name, message, cause } = (error ?? {}) as {
    name?: string;
    message?: string;
    cause?: unknown;
  };
  if (name === 'TimeoutError') {
    return `no answer within ${TIMEOUT_MS / 1_000} s`;
  }
  const inner = (cause as { message?: unknown } | undefined)?.message;
  return typeof inner === 'string' ? inner : (message ?? String(error));
}

async function sendHttp(
  channel: HttpChannel,
  notification: AlertNotification,
): Promise<ReceiverAnswer> {
  const { body, headers } = httpRequest(channel, notification);
  let response: Response;
  try {
    response = await fetch(channel.url, {
      method: 'POST',
      body,
      headers: { 'user-agent': 'ArchNest-Alerts', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const reason = fetchFailure(error);
    throw new DeliveryError(cut(reason), { status: null, response: cut(reason) });
  }
  const answer = { status: response.status, response: cut(await response.text().catch(() => '')) };
  if (response.status < 200 || response.status > 299) {
    throw new DeliveryError(
      `HTTP ${response.status}${answer.response ? `: ${answer.response}` : ''}`,
      answer,
    );
  }
  return answer;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}

async function sendEmail(
  channel: OpenChannel,
  notification: AlertNotification,
): Promise<ReceiverAnswer> {
  const url = new URL(channel.url);
  const email = channel.email;
  if (!email) {
    throw new DeliveryError('the channel has no e-mail settings', { status: null, response: '' });
  }
  const secure = url.protocol === 'smtps:';
  const transport = createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    // A password crosses the network only encrypted: STARTTLS is then required, unless the
    // server is a relay on this machine.
    requireTLS: !secure && email.password !== null && !isLoopback(url.hostname),
    auth: email.username ? { user: email.username, pass: email.password ?? '' } : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    const info = await transport.sendMail({
      from: email.from,
      to: email.to,
      subject: headline(notification).slice(0, 200),
      text: bodyText(notification),
      headers: { 'X-ArchNest-Event': notification.eventId },
    });
    const response = String(info.response ?? '');
    return { status: Number(/^\d{3}/.exec(response)?.[0] ?? 250), response: cut(response) };
  } catch (error) {
    const smtp = error as { responseCode?: number; message?: string };
    const message = cut(smtp.message ?? String(error));
    throw new DeliveryError(message, { status: smtp.responseCode ?? null, response: message });
  } finally {
    transport.close();
  }
}

/** Sends one notification; resolves with the receiver's answer, rejects with a DeliveryError. */
export function deliver(
  channel: OpenChannel,
  notification: AlertNotification,
): Promise<ReceiverAnswer> {
  return channel.type === 'email'
    ? sendEmail(channel, notification)
    : sendHttp({ ...channel, type: channel.type }, notification);
}
