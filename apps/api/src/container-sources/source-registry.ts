import type { Capability, ContainerHost, SourceKind } from '@archnest/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { errorReason } from '../common/errors/error-reason';
import {
  CAPABILITY_METHODS,
  offers,
  type ContainerSource,
  type SourceWith,
} from './container-source';

const CAPABILITY_NAMES: Record<Capability, string> = {
  inspect: 'container details',
  stats: 'stats',
  logs: 'logs',
  manage: 'container actions',
  exec: 'a shell',
};

/**
 * The sources that joined at start-up, by kind. A source's capabilities and its optional
 * methods are checked against each other when it joins, so `sourceWith` can be trusted.
 */
@Injectable()
export class SourceRegistry {
  private readonly logger = new Logger(SourceRegistry.name);
  private readonly sources = new Map<SourceKind, ContainerSource>();

  register(source: ContainerSource): void {
    if (this.sources.has(source.kind)) {
      throw new Error(`A ${source.kind} source is already registered`);
    }
    assertCapabilitiesMatchMethods(source);
    this.sources.set(source.kind, source);
  }

  get(kind: SourceKind): ContainerSource | undefined {
    return this.sources.get(kind);
  }

  all(): ContainerSource[] {
    return [...this.sources.values()];
  }

  /** The source of `kind`, or a 404 when none is configured. */
  source(kind: SourceKind): ContainerSource {
    const source = this.sources.get(kind);
    if (!source) {
      throw new AppError(ErrorCode.NotFound, `No ${kind} source is configured`);
    }
    return source;
  }

  /** The source of `kind` if it offers `capability`, else a 400 saying what is missing. */
  sourceWith<C extends Capability>(kind: SourceKind, capability: C): SourceWith<C> {
    const source = this.source(kind);
    if (!offers(source, capability)) {
      throw new AppError(
        ErrorCode.BadRequest,
        `${CAPABILITY_NAMES[capability]} not available: not reported by the ${kind} source`,
      );
    }
    return source;
  }

  /** Every host of every source; a failing source is logged and left out, not fatal. */
  async listHosts(): Promise<ContainerHost[]> {
    const sources = this.all();
    const results = await Promise.allSettled(sources.map((source) => source.listHosts()));
    return results.flatMap((result, index) => {
      if (result.status === 'fulfilled') {
        return result.value;
      }
      this.logger.warn(
        `Listing ${sources[index].kind} hosts failed: ${errorReason(result.reason)}`,
      );
      return [];
    });
  }
}

function assertCapabilitiesMatchMethods(source: ContainerSource): void {
  for (const [capability, methods] of Object.entries(CAPABILITY_METHODS)) {
    const listed = source.capabilities.includes(capability as Capability);
    for (const method of methods as readonly (keyof ContainerSource)[]) {
      const present = typeof source[method] === 'function';
      if (listed !== present) {
        throw new Error(
          `The ${source.kind} source ${listed ? 'lists' : 'does not list'} ${capability} but ` +
            `${present ? 'has' : 'lacks'} ${method}()`,
        );
      }
    }
  }
}
