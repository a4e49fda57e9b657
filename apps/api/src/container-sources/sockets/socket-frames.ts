import type { RawData } from 'ws';

export type JsonFields = Record<string, unknown>;

/** The text of a frame as ws hands it over: a Buffer, a list of them, or an ArrayBuffer. */
export function frameText(data: RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString('utf8');
  }
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

/** A frame's JSON object, or why it is not one (both protocols answer alike). */
export function jsonObject(
  text: string,
): { ok: true; fields: JsonFields } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'messages must be JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'messages must be JSON objects' };
  }
  return { ok: true, fields: value as JsonFields };
}
