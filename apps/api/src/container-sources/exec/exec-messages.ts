import { EXEC_TERMINAL_LIMITS, SOURCE_KINDS, type ExecClientMessage } from '@archnest/contracts';
import { jsonObject, type JsonFields } from '../sockets/socket-frames';

/** Bounds of one client message; the gateway's maxPayload bounds the raw frame before this. */
export const EXEC_INPUT_MAX = 64 * 1024;
const TOKEN_MAX = 8 * 1024;
const ID_MAX = 128;

export type StartMessage = Extract<ExecClientMessage, { type: 'start' }>;
export type ParsedMessage =
  { ok: true; message: ExecClientMessage } | { ok: false; reason: string };

type Fields = JsonFields;

const refuse = (reason: string): ParsedMessage => ({ ok: false, reason });

function isDimension(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function terminalSize(fields: Fields): { cols: number; rows: number } | string {
  const { minCols, maxCols, minRows, maxRows } = EXEC_TERMINAL_LIMITS;
  if (!isDimension(fields.cols, minCols, maxCols)) {
    return `cols must be an integer from ${minCols} to ${maxCols}`;
  }
  if (!isDimension(fields.rows, minRows, maxRows)) {
    return `rows must be an integer from ${minRows} to ${maxRows}`;
  }
  return { cols: fields.cols, rows: fields.rows };
}

function isBoundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function parseStart(fields: Fields): ParsedMessage {
  if (!isBoundedString(fields.token, TOKEN_MAX)) {
    return refuse('start needs a token');
  }
  if (!isBoundedString(fields.hostId, ID_MAX) || !isBoundedString(fields.container, ID_MAX)) {
    return refuse('start needs hostId and container');
  }
  if (fields.source !== undefined && !SOURCE_KINDS.includes(fields.source as never)) {
    return refuse(`source must be one of ${SOURCE_KINDS.join(', ')}`);
  }
  if (fields.shell !== undefined && fields.shell !== 'bash' && fields.shell !== 'sh') {
    return refuse('shell must be bash or sh');
  }
  const size = terminalSize(fields);
  if (typeof size === 'string') {
    return refuse(size);
  }
  const { token, source, hostId, container, shell } = fields;
  return {
    ok: true,
    message: {
      type: 'start',
      token,
      ...(source ? { source: source as StartMessage['source'] } : {}),
      hostId,
      container,
      ...size,
      ...(shell ? { shell } : {}),
    },
  };
}

function parseFields(fields: Fields): ParsedMessage {
  switch (fields.type) {
    case 'start':
      return parseStart(fields);
    case 'input':
      return typeof fields.data === 'string' && fields.data.length <= EXEC_INPUT_MAX
        ? { ok: true, message: { type: 'input', data: fields.data } }
        : refuse(`input data must be a string of at most ${EXEC_INPUT_MAX} characters`);
    case 'resize': {
      const size = terminalSize(fields);
      return typeof size === 'string'
        ? refuse(size)
        : { ok: true, message: { type: 'resize', ...size } };
    }
    default:
      return refuse('type must be start, input or resize');
  }
}

/** Parses one text frame of the exec protocol (libs/contracts exec.ts, docs/exec-protocol.md). */
export function parseClientMessage(text: string): ParsedMessage {
  const parsed = jsonObject(text);
  return parsed.ok ? parseFields(parsed.fields) : refuse(parsed.reason);
}
