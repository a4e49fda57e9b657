import { rewriteContainerAlias } from './container-route-aliases';

describe('rewriteContainerAlias', () => {
  it.each([
    ['GET', '/api/docker/hosts/h1/containers', '/api/containers/docker-tcp/h1'],
    [
      'GET',
      '/api/docker/hosts/h1/containers/web/logs?tail=5',
      '/api/containers/docker-tcp/h1/web/logs?tail=5',
    ],
    [
      'POST',
      '/api/docker-ssh/targets/t1/containers/web/stop',
      '/api/containers/docker-ssh/t1/web/stop',
    ],
    [
      'DELETE',
      '/api/docker-ssh/targets/t1/containers/web?force=true',
      '/api/containers/docker-ssh/t1/web?force=true',
    ],
    ['GET', '/api/agents/docker/hosts/vm-1/containers/web', '/api/containers/agent/vm-1/web'],
  ])('%s %s → %s', (method, url, expected) => {
    expect(rewriteContainerAlias(method, url)).toBe(expected);
  });

  it.each([
    ['GET', '/api/docker/hosts'],
    ['GET', '/api/docker/hosts/h1'],
    ['POST', '/api/docker/hosts/h1/test'],
    ['GET', '/api/docker/hosts/h1/containersX'],
    ['GET', '/api/docker-ssh/targets/t1/host-key'],
    ['GET', '/api/agents/docker/hosts'],
    ['POST', '/api/agents/docker/hosts/vm-1/containers/web/stop'],
    ['POST', '/api/agents/docker/report'],
  ])('leaves %s %s alone', (method, url) => {
    expect(rewriteContainerAlias(method, url)).toBe(url);
  });
});
