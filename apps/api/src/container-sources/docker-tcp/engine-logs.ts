import type { ContainerLogs } from '@archnest/contracts';
import type Docker from 'dockerode';
import type {
  FollowedLine,
  FollowEnd,
  FollowOptions,
  LogFollow,
  LogOptions,
} from '../container-source';
import { DockerFrameReader, LOG_LINE_MAX, StreamLines, timestampedLine } from '../logs/log-lines';
import { LogCollector } from './log-collector';

/** Text one logs answer keeps in memory; one line is cut at LOG_LINE_MAX. */
export const LOG_MAX_BYTES = 2 * 1024 * 1024;

interface StreamRequest {
  follow: boolean;
  tail: number | 'all';
  timestamps: boolean;
  since?: Date;
  until?: Date;
}

/** The Engine API's `since`/`until`: Unix seconds with a fraction. */
function unixSeconds(time: Date): string {
  return (time.getTime() / 1000).toFixed(3);
}

function openLogStream(
  docker: Docker,
  ref: string,
  request: StreamRequest,
  signal: AbortSignal,
): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    // dockerode buffers a non-following log answer whole; the stream lets us bound it.
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(ref)}/logs?`,
        method: 'GET',
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: {
          stdout: true,
          stderr: true,
          follow: request.follow,
          tail: request.tail,
          timestamps: request.timestamps,
          ...(request.since ? { since: unixSeconds(request.since) } : {}),
          ...(request.until ? { until: unixSeconds(request.until) } : {}),
        },
      },
      (error, stream) => (error ? reject(error) : resolve(stream as NodeJS.ReadableStream)),
    );
  });
}

export async function readLogs(
  docker: Docker,
  ref: string,
  options: LogOptions & { tty: boolean },
  signal: AbortSignal,
): Promise<ContainerLogs> {
  const collector = new LogCollector({
    multiplexed: !options.tty,
    timestamps: options.timestamps,
    maxLines: options.tail,
    maxBytes: LOG_MAX_BYTES,
    maxLineLength: LOG_LINE_MAX,
  });
  const stream = await openLogStream(docker, ref, { ...options, follow: false }, signal);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    collector.push(chunk);
  }
  return collector.finish();
}

/**
 * Follows a container's log stream (`follow=1`, always timestamped) until the engine ends it,
 * which it does when the container stops, or until `stop()` aborts the request. `opening`
 * bounds only the opening (the engine client's deadline); the stream then lives on its own.
 */
export async function followLogs(
  docker: Docker,
  ref: string,
  options: FollowOptions & { tty: boolean },
  opening: AbortSignal,
  onLine: (line: FollowedLine) => void,
): Promise<LogFollow> {
  const own = new AbortController();
  const stream = await openLogStream(
    docker,
    ref,
    { follow: true, tail: options.tail, timestamps: true, since: options.since },
    AbortSignal.any([opening, own.signal]),
  );
  const lines = new StreamLines((kind, raw) => onLine(timestampedLine(kind, raw)));
  const frames = new DockerFrameReader(!options.tty, (kind, bytes) => lines.write(kind, bytes));
  const ended = new Promise<FollowEnd>((resolve) => {
    const finish = (end: FollowEnd): void => {
      lines.end(); // a last line without its newline still counts
      resolve(own.signal.aborted ? { kind: 'ended', reason: 'stopped' } : end);
    };
    stream.on('data', (chunk: Buffer) => frames.push(chunk));
    stream.once('end', () => finish({ kind: 'ended', reason: 'the container stopped' }));
    stream.once('error', (cause: Error) =>
      finish({ kind: 'failed', reason: 'the engine connection failed', cause }),
    );
    stream.once('close', () => finish({ kind: 'failed', reason: 'the engine closed the stream' }));
  });
  return { ended, stop: () => own.abort() };
}
