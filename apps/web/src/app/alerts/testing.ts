import type { AlertChannel, AlertRule } from '@archnest/contracts';

/** Fixtures of the alerts specs. */
export function rule(id: string, fields: Partial<AlertRule> = {}): AlertRule {
  return {
    id,
    name: 'web must run',
    kind: 'container-stopped',
    channelIds: ['c1'],
    scope: null,
    threshold: null,
    forSeconds: 0,
    enabled: true,
    createdAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    ...fields,
  };
}

export function channel(id: string, fields: Partial<AlertChannel> = {}): AlertChannel {
  return {
    id,
    name: 'ops hook',
    type: 'webhook',
    url: 'https://hooks.example.com/ops',
    hasSecret: false,
    email: null,
    enabled: true,
    createdAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    ...fields,
  };
}
