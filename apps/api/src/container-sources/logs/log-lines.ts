import type { LogLine } from '@archnest/contracts';
import { StringDecoder } from 'node:string_decoder';

export type LogStream = LogLine['stream'];

/** One line is cut here (Docker itself splits longer ones at 16 KiB). */
export const LOG_LINE_MAX = 16 * 1024;
/** A raw line (timestamp prefix included) longer than this is cut and its rest discarded. */
const RAW_LINE_MAX = LOG_LINE_MAX + 64;

const RFC3339 = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})';
/** An RFC 3339 time as Docker writes and reads them (`since`, `until`, line prefixes). */
export const RFC3339_TIME = new RegExp(`^${RFC3339}$`);
/** Docker's `--timestamps` prefix: an RFC 3339 time, one space, then the line. */
const TIMESTAMPED = new RegExp(`^(${RFC3339}) ?(.*)$`, 's');

/** Splits a timestamped line; a line without the prefix keeps its text and gets no time. */
export function splitTimestamp(raw: string): { timestamp: string | null; text: string } {
  const match = TIMESTAMPED.exec(raw);
  return match ? { timestamp: match[1], text: match[2] } : { timestamp: null, text: raw };
}

/**
 * Bytes in, lines out (UTF-8 safe across chunks); a trailing `\r` is dropped. A line that grows
 * past RAW_LINE_MAX without a newline (a progress bar, binary output) is emitted cut and the
 * rest of it discarded, so what is held stays bounded however long the stream runs.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private discarding = false;

  constructor(private readonly emit: (text: string) => void) {}

  write(bytes: Buffer): void {
    const parts = (this.partial + this.decoder.write(bytes)).split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) {
      if (this.discarding) {
        this.discarding = false; // the end of a line already emitted cut
      } else {
        this.emit(withoutCr(part));
      }
    }
    if (this.partial.length > RAW_LINE_MAX) {
      if (!this.discarding) {
        this.emit(this.partial.slice(0, RAW_LINE_MAX));
      }
      this.partial = '';
      this.discarding = true;
    }
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest && !this.discarding) {
      this.emit(withoutCr(rest));
    }
  }
}

function withoutCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

const HEADER_BYTES = 8;

/**
 * The Engine API's log stream: 8-byte frame headers (stream type, big-endian length) before
 * each payload, or raw stdout for a container with a TTY. A header that cannot be one means the
 * stream is raw after all (a TTY the caller did not know of). `pendingBytes` is what a stream
 * that ended left of an unfinished frame.
 */
export class DockerFrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private raw: boolean;

  constructor(
    multiplexed: boolean,
    private readonly payload: (stream: LogStream, bytes: Buffer) => void,
  ) {
    this.raw = !multiplexed;
  }

  get pendingBytes(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): void {
    if (this.raw) {
      this.payload('stdout', chunk);
      return;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= HEADER_BYTES) {
      const type = this.pending[0];
      if (type > 2) {
        this.raw = true;
        const rest = this.pending;
        this.pending = Buffer.alloc(0);
        this.payload('stdout', rest);
        return;
      }
      const length = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER_BYTES + length) {
        return;
      }
      const bytes = this.pending.subarray(HEADER_BYTES, HEADER_BYTES + length);
      this.pending = this.pending.subarray(HEADER_BYTES + length);
      this.payload(type === 2 ? 'stderr' : 'stdout', bytes);
    }
  }
}

/** Lines of both streams of one source, each split separately (they interleave mid-line). */
export class StreamLines {
  private readonly splitters: Record<LogStream, LineSplitter>;

  constructor(emit: (stream: LogStream, text: string) => void) {
    this.splitters = {
      stdout: new LineSplitter((text) => emit('stdout', text)),
      stderr: new LineSplitter((text) => emit('stderr', text)),
    };
  }

  write(stream: LogStream, bytes: Buffer): void {
    this.splitters[stream].write(bytes);
  }

  end(): void {
    this.splitters.stdout.end();
    this.splitters.stderr.end();
  }
}

/** A followed line from a raw `--timestamps` line. */
export function timestampedLine(stream: LogStream, raw: string): LogLine {
  const { timestamp, text } = splitTimestamp(raw);
  return { stream, timestamp, text: text.slice(0, LOG_LINE_MAX) };
}
