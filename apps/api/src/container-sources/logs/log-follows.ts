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
    const options = { tail: start.tail, ...(start.since ? { since: start.since } : {}) };
    const refs = planned.map(({ ref }) => ref);
    const results = await Promise.all(
      planned.map(async ({ target, ref, source }): Promise<OpenedFollow | FollowFailure> => {
        const shared = refs.indexOf(ref) !== refs.lastIndexOf(ref);
        let label = shared ? `${target.hostId}/${ref}` : ref; // until the host's name is known
        try {
          if (shared) {
            label = `${await source.hostName(target.hostId)}/${ref}`;
          }
          const follow = await source.followLogs(target.hostId, ref, options, (line) =>
            onLine(label, line),
          );
          return { label, follow };
        } catch (error) {
          return { label, error };
        }
      }),
    );
    const opened: OpenedFollow[] = [];
    const failed: FollowFailure[] = [];
    for (const result of results) {
      if ('follow' in result) {
        opened.push(result);
      } else {
        failed.push(result);
      }
    }
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
}
