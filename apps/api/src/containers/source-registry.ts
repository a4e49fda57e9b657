import type { ContainerHost, SourceKind } from '@archnest/contracts';
import { Injectable, Logger } from '@nestjs/common';
import type { ContainerSource } from '../container-sources/container-source';

/** The sources that joined at start-up, by kind. */
@Injectable()
export class SourceRegistry {
  private readonly logger = new Logger(SourceRegistry.name);
  private readonly sources = new Map<SourceKind, ContainerSource>();

  register(source: ContainerSource): void {
    if (this.sources.has(source.kind)) {
      throw new Error(`A ${source.kind} source is already registered`);
    }
    this.sources.set(source.kind, source);
  }

  get(kind: SourceKind): ContainerSource | undefined {
    return this.sources.get(kind);
  }

  all(): ContainerSource[] {
    return [...this.sources.values()];
  }

  /** Every host of every source; a failing source is logged and left out, not fatal. */
  async listHosts(): Promise<ContainerHost[]> {
    const results = await Promise.allSettled(this.all().map((source) => source.listHosts()));
    return results.flatMap((result, index) => {
      if (result.status === 'fulfilled') {
        return result.value;
      }
      this.logger.warn(`Listing ${this.all()[index]?.kind} hosts failed: ${String(result.reason)}`);
      return [];
    });
  }
}
