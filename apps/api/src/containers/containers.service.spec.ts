import type { ContainerHost, ContainerSummary, SourceKind } from '@archnest/contracts';
import { AppError } from '../common/errors/app-error';
import type { ContainerSource } from '../container-sources/container-source';
import { ContainersService } from './containers.service';
import { SourceRegistry } from './source-registry';

const ADMIN = { id: 'u1', username: 'admin', role: 'admin' as const };

function summary(name: string): ContainerSummary {
  return {
    id: `${name}-id`,
    name,
    image: 'busybox',
    state: 'running',
    status: 'Up',
    createdAt: null,
    ports: [],
    stats: null,
  };
}

function host(source: SourceKind, hostId: string): ContainerHost {
  return {
    source,
    hostId,
    name: `${hostId}-name`,
    status: 'online',
    containerCount: 1,
    capabilities: [],
    lastSeenAt: null,
  };
}

function fakeSource(kind: SourceKind, overrides: Partial<ContainerSource> = {}): ContainerSource {
  return {
    kind,
    capabilities: ['inspect'],
    listHosts: () => Promise.resolve([host(kind, `${kind}-1`)]),
    listContainers: (hostId) => Promise.resolve([summary(`c-on-${hostId}`)]),
    getContainer: () => Promise.reject(new Error('unused')),
    ...overrides,
  };
}

function serviceWith(...sources: ContainerSource[]): ContainersService {
  const registry = new SourceRegistry();
  sources.forEach((s) => registry.register(s));
  return new ContainersService(registry);
}

describe('ContainersService', () => {
  it('lists every container of every host, with where it runs', async () => {
    const service = serviceWith(fakeSource('agent'), fakeSource('docker-tcp'));
    const all = await service.listAll();
    expect(all.failures).toEqual([]);
    expect(all.containers.map((c) => [c.source, c.hostId, c.hostName, c.name])).toEqual([
      ['agent', 'agent-1', 'agent-1-name', 'c-on-agent-1'],
      ['docker-tcp', 'docker-tcp-1', 'docker-tcp-1-name', 'c-on-docker-tcp-1'],
    ]);
  });

  it('reports a failing host without failing the list, and never echoes internal errors', async () => {
    const broken = fakeSource('docker-ssh', {
      listContainers: () => Promise.reject(new Error('ECONNREFUSED 10.1.2.3 password=x')),
    });
    const all = await serviceWith(fakeSource('agent'), broken).listAll();
    expect(all.containers).toHaveLength(1);
    expect(all.failures).toEqual([
      { source: 'docker-ssh', hostId: 'docker-ssh-1', message: 'The host did not answer' },
    ]);
  });

  it('refuses what a source cannot do, naming it', () => {
    const service = serviceWith(fakeSource('agent'));
    expect(() => service.logs('agent', 'agent-1', 'web', 10)).toThrow(
      /logs not available: not reported by the agent source/,
    );
    expect(() => service.act(ADMIN, 'agent', 'agent-1', 'web', 'restart')).toThrow(AppError);
  });

  it('answers 404 for a source that is not configured', () => {
    expect(() => serviceWith().list('docker-ssh', 'x')).toThrow(/No docker-ssh source/);
  });

  it('delegates actions with the actor and the force flag', async () => {
    const runAction = jest.fn(() => Promise.resolve());
    const service = serviceWith(fakeSource('docker-tcp', { capabilities: ['manage'], runAction }));
    await service.act(ADMIN, 'docker-tcp', 'h1', 'web', 'remove', true);
    expect(runAction).toHaveBeenCalledWith(ADMIN, 'h1', 'web', 'remove', { force: true });
  });
});
