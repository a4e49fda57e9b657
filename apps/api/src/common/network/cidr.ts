import { BlockList, isIP } from 'node:net';

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128); null when it is none of them. */
export function parseCidr(text: string): Cidr | null {
  const [address, prefixText, ...rest] = text.trim().split('/');
  const version = isIP(address);
  if (rest.length > 0 || version === 0) {
    return null;
  }
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? +prefixText : -1;
  if (prefix < 0 || prefix > max) {
    return null;
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) as `10.0.0.1`. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/** The networks a request may come from; an empty list allows every address. */
export class NetworkAllowlist {
  private readonly blocks = new BlockList();

  constructor(readonly cidrs: readonly string[]) {
    for (const text of cidrs) {
      const cidr = parseCidr(text);
      if (!cidr) {
        throw new Error(`Not a CIDR network: ${text}`);
      }
      this.blocks.addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
  }

  allows(address: string | undefined): boolean {
    if (this.cidrs.length === 0) {
      return true;
    }
    const plain = plainAddress(address ?? '');
    const version = isIP(plain);
    return version !== 0 && this.blocks.check(plain, version === 4 ? 'ipv4' : 'ipv6');
  }
}
