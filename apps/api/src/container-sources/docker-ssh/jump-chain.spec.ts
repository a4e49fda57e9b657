import { assertValidChain, chainOf, MAX_CHAIN_HOPS, type ChainLink } from './jump-chain';

function store(...links: ChainLink[]) {
  const byId = new Map(links.map((link) => [link.id, link]));
  return (id: string): Promise<ChainLink | null> => Promise.resolve(byId.get(id) ?? null);
}

const link = (id: string, jumpTargetId: string | null = null): ChainLink => ({
  id,
  name: `name-${id}`,
  jumpTargetId,
});

describe('jump chains', () => {
  it('orders the hops outermost first, the target last', async () => {
    const lookup = store(link('a'), link('b', 'a'), link('c', 'b'));
    expect((await chainOf('c', lookup)).map((l) => l.id)).toEqual(['a', 'b', 'c']);
    expect((await chainOf('a', lookup)).map((l) => l.id)).toEqual(['a']);
  });

  it('refuses a cycle, naming the hops', async () => {
    const lookup = store(link('a', 'c'), link('b', 'a'), link('c', 'b'));
    await expect(chainOf('c', lookup)).rejects.toThrow(/loops back/);
    await expect(chainOf('c', lookup)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('refuses a missing hop', async () => {
    await expect(chainOf('b', store(link('b', 'gone')))).rejects.toThrow(
      /Jump target gone does not exist/,
    );
  });

  it('refuses chains deeper than the limit', async () => {
    const links = Array.from({ length: MAX_CHAIN_HOPS + 1 }, (_, i) =>
      link(`h${i}`, i === 0 ? null : `h${i - 1}`),
    );
    await expect(chainOf(`h${MAX_CHAIN_HOPS - 1}`, store(...links))).resolves.toHaveLength(
      MAX_CHAIN_HOPS,
    );
    await expect(chainOf(`h${MAX_CHAIN_HOPS}`, store(...links))).rejects.toThrow(/at most/);
  });

  it('checks an edit before it is stored: pointing a hop at its own descendant is a cycle', async () => {
    const lookup = store(link('a'), link('b', 'a'));
    await expect(assertValidChain(link('a', 'b'), lookup)).rejects.toThrow(/loops back/);
    await expect(assertValidChain(link('a', 'a'), lookup)).rejects.toThrow(/loops back/);
    await expect(assertValidChain(link('new', 'b'), lookup)).resolves.toBeUndefined();
  });
});
