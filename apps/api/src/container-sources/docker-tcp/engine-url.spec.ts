import { AppError } from '../../common/errors/app-error';
import { parseEngineUrl } from './engine-url';

describe('parseEngineUrl', () => {
  it.each([
    ['tcp://127.0.0.1:2376', { kind: 'tcp', host: '127.0.0.1', port: 2376 }],
    ['tcp://docker01.lan:2375/', { kind: 'tcp', host: 'docker01.lan', port: 2375 }],
    ['tcp://[::1]:2376', { kind: 'tcp', host: '::1', port: 2376 }],
    ['unix:///var/run/docker.sock', { kind: 'unix', socketPath: '/var/run/docker.sock' }],
  ])('accepts %s', (url, endpoint) => {
    expect(parseEngineUrl(url)).toEqual(endpoint);
  });

  it.each([
    'docker01:2376',
    'http://127.0.0.1:2375',
    'https://127.0.0.1:2376',
    'ssh://user@host',
    'tcp://127.0.0.1',
    'tcp://127.0.0.1:0',
    'tcp://127.0.0.1:70000',
    'tcp://user:pw@127.0.0.1:2376',
    'tcp://127.0.0.1:2376/v1.41',
    'tcp://127.0.0.1:2376?x=1',
    'tcp://bad_host:2376',
    'unix://relative.sock',
    'unix:///var/run/../../etc/shadow',
    'unix:///var/run/docker.sock?x',
    'unix:///tmp/a b.sock',
  ])('refuses %s with a 400 that shows an example', (url) => {
    expect(() => parseEngineUrl(url)).toThrow(AppError);
    expect(() => parseEngineUrl(url)).toThrow(/tcp:\/\/docker01\.lan:2376/);
  });
});
