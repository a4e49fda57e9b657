import { parseClientMessage } from './exec-messages';

const start = { type: 'start', token: 't', hostId: 'h', container: 'web', cols: 80, rows: 24 };

describe('parseClientMessage', () => {
  it('accepts the three client messages and drops unknown fields', () => {
    expect(parseClientMessage(JSON.stringify({ ...start, shell: 'bash', extra: 1 }))).toEqual({
      ok: true,
      message: { ...start, shell: 'bash' },
    });
    expect(parseClientMessage('{"type":"input","data":"ls\\r"}')).toEqual({
      ok: true,
      message: { type: 'input', data: 'ls\r' },
    });
    expect(parseClientMessage('{"type":"resize","cols":120,"rows":40}')).toEqual({
      ok: true,
      message: { type: 'resize', cols: 120, rows: 40 },
    });
  });

  it.each([
    ['not json', 'messages must be JSON'],
    ['[1]', 'messages must be JSON objects'],
    ['{"type":"exec"}', 'type must be start, input or resize'],
    [JSON.stringify({ ...start, token: '' }), 'start needs a token'],
    [JSON.stringify({ ...start, hostId: 7 }), 'start needs hostId and container'],
    [JSON.stringify({ ...start, shell: 'zsh' }), 'shell must be bash or sh'],
    [JSON.stringify({ ...start, cols: 0 }), 'cols must be an integer from 1 to 1000'],
    [JSON.stringify({ ...start, rows: 2.5 }), 'rows must be an integer from 1 to 500'],
    ['{"type":"resize","cols":80,"rows":9999}', 'rows must be an integer from 1 to 500'],
    ['{"type":"input","data":42}', 'input data must be a string of at most 65536 characters'],
    [
      JSON.stringify({ type: 'input', data: 'x'.repeat(65537) }),
      'input data must be a string of at most 65536 characters',
    ],
  ])('refuses %s', (text, reason) => {
    expect(parseClientMessage(text)).toEqual({ ok: false, reason });
  });
});

describe('the start message source', () => {
  const start = { type: 'start', token: 't', hostId: 'h1', container: 'web', cols: 80, rows: 24 };

  it('keeps a known source and refuses an unknown one', () => {
    expect(parseClientMessage(JSON.stringify({ ...start, source: 'docker-ssh' }))).toEqual({
      ok: true,
      message: { ...start, source: 'docker-ssh' },
    });
    expect(parseClientMessage(JSON.stringify({ ...start, source: 'podman' }))).toEqual({
      ok: false,
      reason: 'source must be one of docker-tcp, docker-ssh, agent',
    });
  });
});
