import type { ContainerLogs, LogLine } from '@archnest/contracts';
import { DockerFrameReader, splitTimestamp, StreamLines, type LogStream } from '../logs/log-lines';

export interface LogCollectorOptions {
  /** False for a container with a TTY: its log stream is raw stdout, without frame headers. */
  multiplexed: boolean;
  timestamps: boolean;
  maxLines: number;
  /** Text kept in memory for one answer; older lines are dropped beyond it. */
  maxBytes: number;
  maxLineLength: number;
}

/**
 * Reads an Engine API log stream into lines, bounded: it demultiplexes Docker's frames, splits
 * stdout and stderr into lines separately, parses the engine's timestamps, and keeps at most
 * maxLines lines and maxBytes of text (the newest ones). Anything cut is reported as `truncated`.
 */
export class LogCollector {
  private readonly lines: LogLine[] = [];
  private readonly streams = new StreamLines((stream, text) => this.add(stream, text));
  private readonly frames: DockerFrameReader;
  private bytes = 0;
  private truncated = false;

  constructor(private readonly options: LogCollectorOptions) {
    this.frames = new DockerFrameReader(options.multiplexed, (stream, bytes) =>
      this.streams.write(stream, bytes),
    );
  }

  push(chunk: Buffer): void {
    this.frames.push(chunk);
  }

  finish(): ContainerLogs {
    if (this.frames.pendingBytes > 0) {
      this.truncated = true; // a frame cut short by the end of the stream
    }
    this.streams.end();
    return { lines: [...this.lines], truncated: this.truncated };
  }

  private add(stream: LogStream, raw: string): void {
    const line = this.parse(stream, raw);
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

  private parse(stream: LogStream, raw: string): LogLine {
    const { timestamp, text } = this.options.timestamps
      ? splitTimestamp(raw)
      : { timestamp: null, text: raw };
    if (text.length > this.options.maxLineLength) {
      this.truncated = true;
    }
    return { stream, timestamp, text: text.slice(0, this.options.maxLineLength) };
  }
}
