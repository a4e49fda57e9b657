import { describe, expect, it } from 'vitest';
import { duration, formatBytes, formatMemory, formatPorts, knownDate, timeAgo } from './format';

describe('format', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(20_971_520)).toBe('20.0 MiB');
    expect(formatBytes(null)).toBeNull();
  });

  it('formats memory usage against its limit', () => {
    expect(formatMemory(20_971_520, 536_870_912)).toBe('20.0 MiB / 512.0 MiB');
    expect(formatMemory(20_971_520, null)).toBe('20.0 MiB');
    expect(formatMemory(null, 536_870_912)).toBeNull();
  });

  it('lists each published port once, or the exposed ports when none is published', () => {
    expect(
      formatPorts([
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' },
        { hostIp: '::', hostPort: 8080, containerPort: 80, proto: 'tcp' },
        { hostIp: null, hostPort: null, containerPort: 443, proto: 'tcp' },
      ]),
    ).toBe('8080→80/tcp');
    expect(formatPorts([{ hostIp: null, hostPort: null, containerPort: 53, proto: 'udp' }])).toBe(
      '53/udp',
    );
  });

  it('says how long ago and how long since', () => {
    const now = Date.parse('2026-06-20T12:00:00Z');
    expect(timeAgo('2026-06-20T11:58:00Z', now)).toBe('2 min ago');
    expect(timeAgo('2026-06-20T11:59:58Z', now)).toBe('just now');
    expect(timeAgo('2026-06-17T12:00:00Z', now)).toBe('3 d ago');
    expect(duration('2026-06-20T09:55:00Z', now)).toBe('2 h 5 min');
    expect(duration('0001-01-01T00:00:00Z', now)).toBeNull();
    expect(knownDate('0001-01-01T00:00:00Z')).toBeNull();
  });
});
