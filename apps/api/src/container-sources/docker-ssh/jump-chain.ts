import { AppError, ErrorCode } from '../../common/errors/app-error';

/** Jump hops plus the target; deeper chains are refused as configuration mistakes. */
export const MAX_CHAIN_HOPS = 8;

export interface ChainLink {
  id: string;
  name: string;
  jumpTargetId: string | null;
}

/**
 * The chain that reaches `targetId`: its jump hosts, outermost first, then the target itself.
 * A cycle, a missing hop or a chain longer than MAX_CHAIN_HOPS is a 400.
 */
export async function chainOf<T extends ChainLink>(
  targetId: string,
  lookup: (id: string) => Promise<T | null>,
): Promise<T[]> {
  const chain: T[] = [];
  const seen = new Set<string>();
  for (let id: string | null = targetId; id !== null;) {
    if (seen.has(id)) {
      const names = chain.map((link) => link.name).reverse();
      throw badChain(`The jump chain ${names.join(' -> ')} -> … loops back on itself`);
    }
    seen.add(id);
    const link = await lookup(id);
    if (!link) {
      throw badChain(`Jump target ${id} does not exist`);
    }
    chain.unshift(link);
    if (chain.length > MAX_CHAIN_HOPS) {
      throw badChain(`A jump chain may have at most ${MAX_CHAIN_HOPS} hops`);
    }
    id = link.jumpTargetId;
  }
  return chain;
}

/** Checks that `link` (new or edited) with its proposed jump forms a valid chain. */
export async function assertValidChain<T extends ChainLink>(
  link: T,
  lookup: (id: string) => Promise<T | null>,
): Promise<void> {
  await chainOf(link.id, (id) => (id === link.id ? Promise.resolve(link) : lookup(id)));
}

function badChain(message: string): AppError {
  return new AppError(ErrorCode.BadRequest, message);
}
