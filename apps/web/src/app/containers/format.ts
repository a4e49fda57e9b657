import type { PortBinding } from '@archnest/contracts';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 20971520 → "20.0 MiB"; null → null so the template can show "—". */
export function formatBytes(bytes: number | null | undefined): string | null {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) {
    return null;
  }
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

export function formatPercent(value: number | null | undefined): string | null {
  return value === null || value === undefined || !Number.isFinite(value)
    ? null
    : `${value.toFixed(1)} %`;
}

/** "20.0 MiB / 512.0 MiB", or the usage alone when there is no limit. */
export function formatMemory(usage: number | null, limit: number | null): string | null {
  const used = formatBytes(usage);
  if (used === null) {
    return null;
  }
  const max = formatBytes(limit);
  return max === null || limit === 0 ? used : `${used} / ${max}`;
}

/** "0.0.0.0:8080→80/tcp", or "80/tcp" for a port that is not published. */
export function formatPort(port: PortBinding): string {
  const inside = `${port.containerPort}/${port.proto}`;
  if (port.hostPort === null) {
    return inside;
  }
  const address = port.hostIp ? (port.hostIp.includes(':') ? `[${port.hostIp}]` : port.hostIp) : '';
  return `${address ? `${address}:` : ''}${port.hostPort}→${inside}`;
}

/** Docker lists a port once per address family; show each mapping once. */
export function formatPorts(ports: readonly PortBinding[]): string {
  const published = ports.filter((p) => p.hostPort !== null);
  const seen = new Set<string>();
  const texts: string[] = [];
  for (const port of published.length > 0 ? published : ports) {
    const text =
      port.hostPort === null
        ? formatPort(port)
        : `${port.hostPort}→${port.containerPort}/${port.proto}`;
    if (!seen.has(text)) {
      seen.add(text);
      texts.push(text);
    }
  }
  return texts.join(', ');
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** "just now", "45 s ago", "2 min ago", "3 h ago", "4 d ago". */
export function timeAgo(iso: string | null, now: number = Date.now()): string | null {
  if (!iso) {
    return null;
  }
  const at = Date.parse(iso);
  if (!(at > 0)) {
    return null;
  }
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 5) {
    return 'just now';
  }
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} d ago`;
}

/** How long since `startedAt`: "3 d 4 h", "2 h 5 min", "45 s". */
export function duration(startedAt: string | null, now: number = Date.now()): string | null {
  if (!startedAt) {
    return null;
  }
  const at = Date.parse(startedAt);
  // Docker reports "0001-01-01T00:00:00Z" for a container that never started.
  if (!(at > 0) || now < at) {
    return null;
  }
  const seconds = Math.floor((now - at) / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) {
    return `${days} d ${hours} h`;
  }
  if (hours > 0) {
    return `${hours} h ${minutes} min`;
  }
  return minutes > 0 ? `${minutes} min` : `${seconds} s`;
}

/** The timestamp when it is a real one; Docker's zero time ("0001-01-01…") and junk become null. */
export function knownDate(iso: string | null | undefined): string | null {
  return iso && Date.parse(iso) > 0 ? iso : null;
}
