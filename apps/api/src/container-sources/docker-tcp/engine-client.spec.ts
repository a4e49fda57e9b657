import Docker from 'dockerode';
import type { Agent as HttpsAgent } from 'node:https';
import { inspect } from 'node:util';
import { dockerOptions, newClient } from './engine-client';

interface ModemView {
  host?: string;
  port?: number;
  socketPath?: string;
  protocol?: string;
  ca?: string;
}

function modemOf(options: Docker.DockerOptions): ModemView {
  return new Docker(options).modem as unknown as ModemView;
}

describe('dockerOptions', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("ignores the API process's own DOCKER_HOST and DOCKER_CERT_PATH", () => {
    process.env.DOCKER_HOST = 'tcp://elsewhere.example:2376';
    process.env.DOCKER_TLS_VERIFY = '1';
    const modem = modemOf(dockerOptions({ kind: 'unix', socketPath: '/run/docker.sock' }, null));
    expect(modem).toMatchObject({ socketPath: '/run/docker.sock', protocol: 'http' });
    expect(modem.host).toBeUndefined();
  });

  it('speaks https for a TLS host, http without', () => {
    const tls = { ca: 'CA', cert: 'CERT', key: 'KEY' };
    const secure = modemOf(dockerOptions({ kind: 'tcp', host: '10.0.0.5', port: 2376 }, tls));
    expect(secure).toMatchObject({ host: '10.0.0.5', port: 2376, protocol: 'https' });
    const plain = modemOf(dockerOptions({ kind: 'tcp', host: '10.0.0.5', port: 2375 }, null));
    expect(plain).toMatchObject({ protocol: 'http' });
  });
});

describe('newClient', () => {
  const endpoint = { kind: 'tcp', host: '10.0.0.5', port: 2376 } as const;
  const tls = { ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM' };

  it('keeps the TLS material on the connection pool, out of every request', () => {
    const { docker, agent } = newClient(endpoint, tls, true);
    expect((agent as HttpsAgent).options).toMatchObject({ ca: 'CA-PEM', key: 'KEY-PEM' });
    expect((docker.modem as unknown as ModemView).ca).toBeUndefined();
    agent.destroy();
  });

  it('formats as a name where docker-modem inspects request options for its debug log', () => {
    const { agent } = newClient(endpoint, tls, true);
    const formatted = inspect({ agent }, { showHidden: true, depth: null });
    expect(formatted).toBe('{ agent: EngineHttpsAgent }');
    agent.destroy();
  });
});
