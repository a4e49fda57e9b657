import { parseStartMessage } from './log-follow-messages';

const one = { source: 'docker-tcp', hostId: 'h1', container: 'web' };
const parse = (fields: Record<string, unknown>) =>
  parseStartMessage(JSON.stringify({ type: 'start', token: 't', ...fields }));

describe('parseStartMessage', () => {
  it('reads one container with the default tail', () => {
    expect(parse(one)).toEqual({
      ok: true,
      start: { token: 't', targets: [one], tail: 100 },
    });
  });

  it('reads a merged view, a tail and a since time', () => {
    const second = { source: 'docker-ssh', hostId: 't1', container: 'db' };
    const parsed = parse({ containers: [one, second], tail: 0, since: '2026-12-07T10:00:00Z' });
    expect(parsed).toEqual({
      ok: true,
      start: {
        token: 't',
        targets: [one, second],
        tail: 0,
        since: new Date('2026-12-07T10:00:00Z'),
      },
    });
  });

  it.each([
    [{ ...one, source: 'kubernetes' }, /source must be one of/],
    [{ ...one, hostId: '' }, /hostId must be a string/],
    [{ source: 'docker-tcp', hostId: 'h1' }, /container must be a string/],
    [{ ...one, tail: 5001 }, /tail must be an integer from 0 to 5000/],
    [{ ...one, tail: 1.5 }, /tail must be an integer/],
    [{ ...one, since: 'yesterday' }, /since must be an RFC 3339 time/],
    [{ ...one, since: '2026-13-45T99:00:00Z' }, /since must be an RFC 3339 time/],
    [{ ...one, timestamps: 'yes' }, /timestamps must be true or false/],
    [{ containers: [] }, /containers must be an array of 1 to 20/],
    [{ containers: Array.from({ length: 21 }, () => one) }, /1 to 20/],
    [{ containers: [one, 'web'] }, /containers\[1\] must be an object/],
    [{ containers: [{ ...one, hostId: 7 }] }, /containers\[0\]\.hostId must be a string/],
    [{ ...one, containers: [one] }, /either containers or hostId and container/],
    [{ ...one, token: '' }, /start needs a token/],
  ])('refuses %j', (fields, reason) => {
    const parsed = parse(fields);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason);
  });

  it('refuses anything but a JSON start object', () => {
    expect(parseStartMessage('{')).toEqual({ ok: false, reason: 'messages must be JSON' });
    expect(parseStartMessage('[1]')).toEqual({
      ok: false,
      reason: 'messages must be JSON objects',
    });
    expect(parseStartMessage('{"type":"input"}')).toEqual({
      ok: false,
      reason: 'the first message must be start',
    });
  });
});
