import { LOG_FOLLOW_LIMITS, SOURCE_KINDS, type LogFollowTarget } from '@archnest/contracts';
import { jsonObject, type JsonFields } from '../sockets/socket-frames';
import { RFC3339_TIME } from './log-lines';

const TOKEN_MAX = 8 * 1024;
const ID_MAX = 128;

/** A checked `start`: who, which containers, and from where in their history. */
export interface FollowStart {
  token: string;
  targets: LogFollowTarget[];
  tail: number;
  since?: Date;
}

export type ParsedStart = { ok: true; start: FollowStart } | { ok: false; reason: string };

type Fields = JsonFields;

const refuse = (reason: string): ParsedStart => ({ ok: false, reason });

function isBoundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function target(fields: Fields, where: string): LogFollowTarget | string {
  if (!SOURCE_KINDS.includes(fields.source as never)) {
    return `${where}source must be one of ${SOURCE_KINDS.join(', ')}`;
  }
  if (!isBoundedString(fields.hostId, ID_MAX)) {
    return `${where}hostId must be a string of 1 to ${ID_MAX} characters`;
  }
  if (!isBoundedString(fields.container, ID_MAX)) {
    return `${where}container must be a string of 1 to ${ID_MAX} characters`;
  }
  return {
    source: fields.source as LogFollowTarget['source'],
    hostId: fields.hostId,
    container: fields.container,
  };
}

function targets(fields: Fields): LogFollowTarget[] | string {
  if (fields.containers === undefined) {
    const one = target(fields, '');
    return typeof one === 'string' ? one : [one];
  }
  const list = fields.containers;
  const max = LOG_FOLLOW_LIMITS.maxContainers;
  if (!Array.isArray(list) || list.length === 0 || list.length > max) {
    return `containers must be an array of 1 to ${max} entries`;
  }
  if (fields.hostId !== undefined || fields.container !== undefined) {
    return 'send either containers or hostId and container, not both';
  }
  const parsed: LogFollowTarget[] = [];
  for (const [index, entry] of list.entries()) {
    const isObject = typeof entry === 'object' && entry !== null && !Array.isArray(entry);
    const one = isObject ? target(entry as Fields, `containers[${index}].`) : null;
    if (typeof one !== 'object' || one === null) {
      return one ?? `containers[${index}] must be an object`;
    }
    parsed.push(one);
  }
  return parsed;
}

function tail(value: unknown): number | string {
  const { defaultTail, maxTail } = LOG_FOLLOW_LIMITS;
  if (value === undefined) {
    return defaultTail;
  }
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= maxTail
    ? value
    : `tail must be an integer from 0 to ${maxTail}`;
}

function since(value: unknown): Date | undefined | string {
  if (value === undefined) {
    return undefined;
  }
  const time = typeof value === 'string' && RFC3339_TIME.test(value) ? new Date(value) : null;
  return time && !Number.isNaN(time.getTime()) ? time : 'since must be an RFC 3339 time';
}

function parseStart(fields: Fields): ParsedStart {
  if (!isBoundedString(fields.token, TOKEN_MAX)) {
    return refuse('start needs a token');
  }
  if (fields.timestamps !== undefined && typeof fields.timestamps !== 'boolean') {
    return refuse('timestamps must be true or false');
  }
  const chosen = targets(fields);
  const lines = tail(fields.tail);
  const from = since(fields.since);
  const problem = [chosen, lines, from].find((part) => typeof part === 'string');
  if (typeof problem === 'string') {
    return refuse(problem);
  }
  return {
    ok: true,
    start: {
      token: fields.token,
      targets: chosen as LogFollowTarget[],
      tail: lines as number,
      ...(from ? { since: from as Date } : {}),
    },
  };
}

/** Parses the one message a client sends (libs/contracts logs.ts, docs/logs-protocol.md). */
export function parseStartMessage(text: string): ParsedStart {
  const parsed = jsonObject(text);
  if (!parsed.ok) {
    return refuse(parsed.reason);
  }
  const { fields } = parsed;
  return fields.type === 'start' ? parseStart(fields) : refuse('the first message must be start');
}
