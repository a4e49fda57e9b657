import type { ContainerLogs, LogLine } from '@archnest/contracts';
import { StringDecoder } from 'node:string_decoder';

export interface LogCollectorOptions {
  /** False for a container with a TTY: its log stream is raw stdout, without frame headers. */
  multiplexed: boolean;
  timestamps: boolean;
  maxLines: number;
  /** Text kept in memory for one answer; older lines are dropped beyond it. */
  maxBytes: number;
  maxLineLength: number;
}

type Stream = LogLine['stream'];

const HEADER_BYTES = 8;
const TIMESTAMPED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?(.*)$/s;

class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly emit: (text: string) => void) {}

  write(bytes: Buffer): void {
    const parts = (this.partial + this.decoder.write(bytes)).split('\n');
    this.partial = parts.pop() ?? '';
    parts.forEach((part) => this.emit(part));
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest) {
      this.emit(rest);
    }
  }
}

/**
 * Reads an Engine API log stream into lines, bounded: it demultiplexes Docker's 8-byte frame
 * headers (stream type, big-endian length), splits stdout and stderr into lines separately,
 * parses the engine's timestamps, and keeps at most maxLines lines and maxBytes of text (the
 * newest ones). Anything cut is reported as `truncated`.
 */
export class LogCollector {
  private readonly lines: LogLine[] = [];
  private readonly splitters: Record<Stream, LineSplitter>;
  private pending: Buffer = Buffer.alloc(0);
  private bytes = 0;
  private truncated = false;
  private raw: boolean;

  constructor(private readonly options: LogCollectorOptions) {
    this.raw = !options.multiplexed;
    this.splitters = {
      stdout: new LineSplitter((text) => this.add('stdout', text)),
      stderr: new LineSplitter((text) => this.add('stderr', text)),
    };
  }

  push(chunk: Buffer): void {
    if (this.raw) {
      this.splitters.stdout.write(chunk);
      return;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.drainFrames();
  }

  finish(): ContainerLogs {
    if (this.pending.length > 0) {
      this.truncated = true; // a frame cut short by the end of the stream
    }
    this.splitters.stdout.end();
    this.splitters.stderr.end();
    return { lines: [...this.lines], truncated: this.truncated };
  }

  private drainFrames(): void {
    while (this.pending.length >= HEADER_BYTES) {
      const type = this.pending[0];
      if (type > 2) {
        // Not a frame header: the stream is raw after all (a TTY the caller did not know of).
        this.raw = true;
        const rest = this.pending;
        this.pending = Buffer.alloc(0);
        this.splitters.stdout.write(rest);
        return;
      }
      const length = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER_BYTES + length) {
        return;
      }
      const payload = this.pending.subarray(HEADER_BYTES, HEADER_BYTES + length);
      this.pending = this.pending.subarray(HEADER_BYTES + length);
      this.splitters[type === 2 ? 'stderr' : 'stdout'].write(payload);
    }
  }

  private add(stream: Stream, raw: string): void {
    const line = this.parse(stream, raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    this.lines.push(line);
    this.bytes += line.text.length;
    while (this.lines.length > this.options.maxLines) {
      this.dropOldest();
    }
    while (this.bytes > this.options.maxBytes && this.lines.length > 1) {
      this.dropOldest();
      this.truncated = true;
    }
  }

  private dropOldest(): void {
    this.bytes -= this.lines.shift()?.text.length ?? 0;
  }

  private parse(stream: Stream, text: string): LogLine {
    const match = this.options.timestamps ? TIMESTAMPED.exec(text) : null;
    const body = match ? match[2] : text;
    if (body.length > this.options.maxLineLength) {
      this.truncated = true;
    }
    return {
      stream,
      timestamp: match ? match[1] : null,
      text: body.slice(0, this.options.maxLineLength),
    };
  }
}
