const UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  PB: 1e15,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  PiB: 1024 ** 5,
};

/** docker's human sizes ("20.5MiB", "1.2kB", "0B") as bytes; null for "--" or anything else. */
export function parseHumanBytes(value: string | undefined): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(value ?? '');
  const factor = match ? UNITS[match[2] ?? ''] : undefined;
  if (!match || factor === undefined) {
    return null;
  }
  return Math.round(Number(match[1]) * factor);
}

/** "used / limit" pairs such as MemUsage, NetIO and BlockIO. */
export function parseBytePair(value: string | undefined): [number | null, number | null] {
  const [left, right] = (value ?? '').split(' / ');
  return [parseHumanBytes(left), parseHumanBytes(right)];
}

/** "1.42%" → 1.42; null for "--". */
export function parsePercent(value: string | undefined): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)%\s*$/.exec(value ?? '');
  return match ? Number(match[1]) : null;
}
