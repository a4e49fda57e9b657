import { LOG_FOLLOW_CLOSE, type LogFollowTarget } from '@archnest/contracts';
import { Injectable } from '@nestjs/common';
import { assertContainerRef } from '../container-ref';
import { offers, type FollowedLine, type LogFollow, type SourceWith } from '../container-source';
import { SocketRefusal } from '../sockets/socket-auth';
import { SourceRegistry } from '../source-registry';
import type { FollowStart } from './log-follow-messages';

/** One container of a follow: its label in a merged view and its open stream. */
export interface OpenedFollow {
  label: string;
  follow: LogFollow;
}

export interface FollowFailure {
  label: string;
  error: unknown;
}

export type LineSink = (label: string, line: FollowedLine) => void;

/**
 * Opens the follows of a `start` through the sources' followLogs, the same way for every
 * source: every ref is validated and every source checked before any host is contacted.
 */
@Injectable()
export class LogFollows {
  constructor(private readonly registry: SourceRegistry) {}

  async open(
    start: FollowStart,
    onLine: LineSink,
  ): Promise<{ opened: OpenedFollow[]; failed: FollowFailure[] }> {
    const planned = start.targets.map((target) => ({
      target,
      ref: assertContainerRef(target.container),
      source: this.sourceFor(target),
    }));
    const labels = await this.labels(planned);
    const options = { tail: start.tail, ...(start.since ? { since: start.since } : {}) };
    const results = await Promise.allSettled(
      planned.map(({ target, ref, source }, index) =>
        source.followLogs(target.hostId, ref, options, (line) => onLine(labels[index], line)),
      ),
    );
    const opened: OpenedFollow[] = [];
    const failed: FollowFailure[] = [];
    results.forEach((result, index) => {
      const label = labels[index];
      if (result.status === 'fulfilled') {
        opened.push({ label, follow: result.value });
      } else {
        failed.push({ label, error: result.reason });
      }
    });
    return { opened, failed };
  }

  private sourceFor(target: LogFollowTarget): SourceWith<'logs'> {
    const source = this.registry.source(target.source);
    if (!offers(source, 'logs')) {
      throw new SocketRefusal(
        LOG_FOLLOW_CLOSE.badRequest,
        `${target.source} hosts send no logs: the push agent reports ps, inspect and stats only`,
      );
    }
    return source;
  }

  /** The ref, or `<host name>/<ref>` when two entries share a ref. */
  private labels(
    planned: { target: LogFollowTarget; ref: string; source: SourceWith<'logs'> }[],
  ): Promise<string[]> {
    const refs = planned.map(({ ref }) => ref);
    return Promise.all(
      planned.map(async ({ target, ref, source }) =>
        refs.indexOf(ref) === refs.lastIndexOf(ref)
          ? ref
          : `${await source.hostName(target.hostId)}/${ref}`,
      ),
    );
  }
}
