import { NetworkAllowlist, parseCidr, plainAddress } from './cidr';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['192.168.1.7', { address: '192.168.1.7', prefix: 32, family: 'ipv4' }],
    ['fd00::/8', { address: 'fd00::', prefix: 8, family: 'ipv6' }],
    [' ::1 ', { address: '::1', prefix: 128, family: 'ipv6' }],
  ])('reads %s', (text, cidr) => {
    expect(parseCidr(text)).toEqual(cidr);
  });

  it.each([
    '',
    '10.0.0.0/33',
    '10.0.0/8',
    'fd00::/129',
    '10.0.0.0/8/1',
    'host',
    '10.0.0.0/-1',
    '1.2.3.4/',
  ])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});

describe('NetworkAllowlist', () => {
  it('allows every address when empty', () => {
    expect(new NetworkAllowlist([]).allows('203.0.113.9')).toBe(true);
  });

  it('matches IPv4 (also IPv4-mapped) and IPv6 networks, and nothing unparsable', () => {
    const list = new NetworkAllowlist(['127.0.0.0/8', 'fd00:20::/64']);
    expect(list.allows('127.1.2.3')).toBe(true);
    expect(list.allows('::ffff:127.0.0.1')).toBe(true);
    expect(list.allows('fd00:20::5')).toBe(true);
    expect(list.allows('10.0.0.1')).toBe(false);
    expect(list.allows('fd00:21::5')).toBe(false);
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows('not-an-ip')).toBe(false);
  });

  it('refuses a list with a bad network', () => {
    expect(() => new NetworkAllowlist(['10.0.0.0/40'])).toThrow('Not a CIDR network: 10.0.0.0/40');
  });

  it('unmaps only IPv4-mapped addresses', () => {
    expect(plainAddress('::ffff:10.1.1.1')).toBe('10.1.1.1');
    expect(plainAddress('::1')).toBe('::1');
  });
});
