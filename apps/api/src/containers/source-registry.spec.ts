import type { ContainerHost, SourceKind } from '@archnest/contracts';
import type { ContainerSource } from '../container-sources/container-source';
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
});
