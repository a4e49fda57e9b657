import { describe, expect, it } from 'vitest';
import type { AlertChannel, AlertDelivery, AlertRule } from '@archnest/contracts';
import { channelInput, parseRecipients, type ChannelFormValue } from './channel-input';
import { describeDeliveries, describeDelivery } from './event-format';
import { ruleInput, type RuleFormValue } from './rule-dialog';
import { describeCondition, describeScope } from './rule-kinds';

function delivery(fields: Partial<AlertDelivery>): AlertDelivery {
  return {
    channelId: 'c1',
    channelName: 'webhook',
    transition: 'firing',
    state: 'sent',
    tries: 1,
    lastError: null,
    sentAt: '2026-12-07T10:00:01Z',
    nextAttemptAt: null,
    ...fields,
  };
}

const ruleForm: RuleFormValue = {
  name: ' web must run ',
  kind: 'container-stopped',
  threshold: null,
  forSeconds: 0,
  channelIds: ['c1'],
  source: '',
  host: '',
  container: '',
  enabled: true,
};

const channelForm: ChannelFormValue = {
  name: 'ops',
  type: 'webhook',
  url: 'https://hooks.example.com/a',
  enabled: true,
  secret: '',
  clearSecret: false,
  from: '',
  to: '',
  username: '',
  password: '',
  clearPassword: false,
};

const stored: AlertChannel = {
  id: 'c1',
  name: 'ops',
  type: 'email',
  url: 'smtp://mail.example.com:587',
  hasSecret: false,
  email: { from: 'a@example.com', to: ['b@example.com'], username: 'relay', hasPassword: true },
  enabled: true,
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
};

describe('deliveries', () => {
  it('says in a few words what each channel was sent', () => {
    expect(describeDelivery(delivery({}))).toBe('webhook: sent');
    expect(
      describeDelivery(delivery({ state: 'failed', tries: 3, lastError: 'HTTP 500: boom' })),
    ).toBe('webhook: failed after 3 tries: HTTP 500: boom');
    expect(describeDelivery(delivery({ state: 'pending', tries: 0, sentAt: null }))).toBe(
      'webhook: pending',
    );
    expect(
      describeDelivery(delivery({ state: 'pending', tries: 1, lastError: 'ECONNREFUSED' })),
    ).toBe('webhook: retrying after 1 try: ECONNREFUSED');
  });

  it('lists the firing deliveries before the resolved ones, or says there were none', () => {
    const event = {
      deliveries: [
        delivery({ transition: 'resolved', channelName: 'slack' }),
        delivery({ channelName: 'slack' }),
      ],
    };
    expect(describeDeliveries(event)).toEqual(['slack: sent', 'slack (resolved): sent']);
    expect(describeDeliveries({ deliveries: [] })).toEqual(['No channels']);
  });
});

describe('rule input', () => {
  it('sends no scope for every host and no threshold for a kind without one', () => {
    expect(ruleInput(ruleForm, null)).toEqual({
      name: 'web must run',
      kind: 'container-stopped',
      channelIds: ['c1'],
      scope: null,
      forSeconds: 0,
      enabled: true,
    });
  });

  it('scopes to a host by its source and id, and a container glob', () => {
    const input = ruleInput(
      { ...ruleForm, kind: 'cpu-above', threshold: 90, host: 'agent/vm-1', container: ' web-* ' },
      null,
    );
    expect(input.scope).toEqual({ source: 'agent', hostId: 'vm-1', container: 'web-*' });
    expect(input.threshold).toBe(90);
  });

  it('drops the container glob of a host-offline rule', () => {
    const input = ruleInput(
      { ...ruleForm, kind: 'host-offline', source: 'docker-ssh', container: 'x' },
      null,
    );
    expect(input.scope).toEqual({ source: 'docker-ssh' });
  });

  it('clears the stored threshold when an edit moves to a kind without one', () => {
    const original = { threshold: 3 } as AlertRule;
    expect(ruleInput(ruleForm, original).threshold).toBeNull();
    expect('threshold' in ruleInput(ruleForm, { threshold: null } as AlertRule)).toBe(false);
  });

  it('describes scope and condition for the table', () => {
    expect(describeScope(null)).toBe('Every host');
    expect(describeScope({ source: 'docker-tcp' })).toBe('Docker API hosts');
    expect(
      describeScope({ source: 'agent', hostId: 'vm-1', container: 'db?' }, [
        {
          source: 'agent',
          hostId: 'vm-1',
          name: 'shop vm',
          status: 'online',
          containerCount: 1,
          capabilities: [],
          lastSeenAt: null,
        },
      ]),
    ).toBe('shop vm (Agent), containers db?');
    expect(describeCondition({ kind: 'restart-loop', threshold: 3, forSeconds: 300 })).toBe(
      '3 restarts in 300 s',
    );
    expect(describeCondition({ kind: 'memory-above', threshold: 80, forSeconds: 60 })).toBe(
      'above 80 % for 60 s',
    );
    expect(describeCondition({ kind: 'host-offline', threshold: null, forSeconds: 0 })).toBe(
      'at once',
    );
  });
});

describe('channel input', () => {
  it('sends a new webhook with its secret only when one is typed', () => {
    expect(channelInput(channelForm, null)).toEqual({
      name: 'ops',
      type: 'webhook',
      url: 'https://hooks.example.com/a',
      enabled: true,
    });
    expect(channelInput({ ...channelForm, secret: 's3cret' }, null)).toMatchObject({
      secret: 's3cret',
    });
  });

  it('keeps a write-only field on an edit left empty, and clears it with null', () => {
    const form: ChannelFormValue = {
      ...channelForm,
      type: 'email',
      url: 'smtp://mail.example.com:587',
      from: 'a@example.com',
      to: 'b@example.com, c@example.com',
      username: 'relay',
    };
    const kept = channelInput(form, stored);
    expect(kept).not.toHaveProperty('type');
    expect(kept.email).toEqual({
      from: 'a@example.com',
      to: ['b@example.com', 'c@example.com'],
      username: 'relay',
    });
    expect(channelInput({ ...form, password: 'new' }, stored).email?.password).toBe('new');
    expect(channelInput({ ...form, clearPassword: true }, stored).email?.password).toBeNull();
    expect(channelInput({ ...form, username: '' }, stored).email?.username).toBeNull();

    const webhook = { ...stored, type: 'webhook' as const, email: null, hasSecret: true };
    expect(channelInput(channelForm, webhook)).not.toHaveProperty('secret');
    expect(channelInput({ ...channelForm, clearSecret: true }, webhook).secret).toBeNull();
  });

  it('reads recipients separated by commas, semicolons or spaces', () => {
    expect(parseRecipients(' a@x.io,b@x.io; c@x.io  d@x.io ')).toEqual([
      'a@x.io',
      'b@x.io',
      'c@x.io',
      'd@x.io',
    ]);
  });
});
