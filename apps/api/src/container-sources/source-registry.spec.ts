import type { ContainerHost, SourceKind } from '@archnest/contracts';
import type { ContainerSource } from './container-source';
import { SourceRegistry } from './source-registry';

function host(source: SourceKind, hostId: string): ContainerHost {
  return {
    source,
    hostId,
    name: hostId,
    status: 'online',
    containerCount: 1,
    capabilities: ['inspect'],
    lastSeenAt: null,
  };
}

function source(kind: SourceKind, listHosts: () => Promise<ContainerHost[]>): ContainerSource {
  return {
    kind,
    capabilities: ['inspect'],
    listHosts,
    hostName: (hostId) => Promise.resolve(hostId),
    listContainers: () => Promise.resolve([]),
    getContainer: () => Promise.reject(new Error('not used')),
  };
}

describe('SourceRegistry', () => {
  it('lists nothing until a source joins', async () => {
    await expect(new SourceRegistry().listHosts()).resolves.toEqual([]);
  });

  it('aggregates the hosts of every source', async () => {
    const registry = new SourceRegistry();
    registry.register(source('agent', () => Promise.resolve([host('agent', 'vm-1')])));
    registry.register(source('docker-tcp', () => Promise.resolve([host('docker-tcp', 'tcp-1')])));
    const hosts = await registry.listHosts();
    expect(hosts.map((h) => `${h.source}/${h.hostId}`)).toEqual(['agent/vm-1', 'docker-tcp/tcp-1']);
  });

  it('leaves out a failing source instead of failing the whole list', async () => {
    const registry = new SourceRegistry();
    registry.register(source('agent', () => Promise.reject(new Error('db down'))));
    registry.register(source('docker-ssh', () => Promise.resolve([host('docker-ssh', 't-1')])));
    await expect(registry.listHosts()).resolves.toEqual([host('docker-ssh', 't-1')]);
  });

  it('refuses two sources of the same kind', () => {
    const registry = new SourceRegistry();
    registry.register(source('agent', () => Promise.resolve([])));
    expect(() => registry.register(source('agent', () => Promise.resolve([])))).toThrow(
      /already registered/,
    );
  });

  it('refuses a source whose capabilities and methods disagree', () => {
    const registry = new SourceRegistry();
    const claimsLogs = { ...source('agent', () => Promise.resolve([])), capabilities: ['logs'] };
    expect(() => registry.register(claimsLogs as ContainerSource)).toThrow(
      'The agent source lists logs but lacks getLogs()',
    );
    const hidesStats = { ...source('agent', () => Promise.resolve([])), getStats: jest.fn() };
    expect(() => registry.register(hidesStats)).toThrow(
      'The agent source does not list stats but has getStats()',
    );
  });

  it('narrows a source to a capability or answers 400 naming what is missing', async () => {
    const registry = new SourceRegistry();
    const getStats = jest.fn().mockResolvedValue({ cpuPercent: 1 });
    registry.register({
      ...source('agent', () => Promise.resolve([])),
      capabilities: ['inspect', 'stats'],
      getStats,
    });
    await registry.sourceWith('agent', 'stats').getStats('vm-1', 'web');
    expect(getStats).toHaveBeenCalledWith('vm-1', 'web');
    expect(() => registry.sourceWith('agent', 'logs')).toThrow(
      'logs not available: not reported by the agent source',
    );
    expect(() => registry.sourceWith('docker-ssh', 'logs')).toThrow(
      'No docker-ssh source is configured',
    );
  });
});
