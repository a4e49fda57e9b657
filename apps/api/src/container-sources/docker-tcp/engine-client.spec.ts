import Docker from 'dockerode';
import { dockerOptions } from './engine-client';

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

  it('speaks https with the client material for a TLS host, http without', () => {
    const tls = { ca: 'CA', cert: 'CERT', key: 'KEY' };
    const secure = modemOf(dockerOptions({ kind: 'tcp', host: '10.0.0.5', port: 2376 }, tls));
    expect(secure).toMatchObject({ host: '10.0.0.5', port: 2376, protocol: 'https', ca: 'CA' });
    const plain = modemOf(dockerOptions({ kind: 'tcp', host: '10.0.0.5', port: 2375 }, null));
    expect(plain).toMatchObject({ protocol: 'http' });
    expect(plain.ca).toBeUndefined();
  });
});
