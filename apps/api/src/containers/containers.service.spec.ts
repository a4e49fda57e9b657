import type { ContainerHost, ContainerSummary, SourceKind } from '@archnest/contracts';
import type { Repository } from 'typeorm';
import type { AuditEntryEntity } from '../audit/audit-entry.entity';
import { AuditService } from '../audit/audit.service';
import { AppError, ErrorCode } from '../common/errors/app-error';
import type { ContainerSource } from '../container-sources/container-source';
import { SourceRegistry } from '../container-sources/source-registry';
import { ContainersService } from './containers.service';

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
    hostName: (hostId) => Promise.resolve(`${hostId}-name`),
    listContainers: (hostId) => Promise.resolve([summary(`c-on-${hostId}`)]),
    getContainer: () => Promise.reject(new Error('unused')),
    ...overrides,
  };
}

const auditRows = jest.fn<Promise<void>, [Partial<AuditEntryEntity>]>();

function serviceWith(...sources: ContainerSource[]): ContainersService {
  const registry = new SourceRegistry();
  sources.forEach((s) => registry.register(s));
  const entries = { insert: auditRows } as unknown as Repository<AuditEntryEntity>;
  return new ContainersService(registry, new AuditService(entries));
}

beforeEach(() => auditRows.mockReset().mockResolvedValue(undefined));

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

  it('refuses what a source cannot do, naming it', async () => {
    const service = serviceWith(fakeSource('agent'));
    expect(() => service.logs('agent', 'agent-1', 'web', { tail: 10, timestamps: true })).toThrow(
      /logs not available: not reported by the agent source/,
    );
    await expect(service.act(ADMIN, 'agent', 'agent-1', 'web', 'restart')).rejects.toThrow(
      AppError,
    );
    expect(auditRows).not.toHaveBeenCalled();
  });

  it('passes the timestamps choice through to the source', async () => {
    const getLogs = jest.fn().mockResolvedValue({ lines: [], truncated: false });
    const followLogs = jest.fn();
    const service = serviceWith(
      fakeSource('docker-ssh', { capabilities: ['logs'], getLogs, followLogs }),
    );
    await service.logs('docker-ssh', 'h1', 'web', { tail: 5, timestamps: false });
    expect(getLogs).toHaveBeenCalledWith('h1', 'web', { tail: 5, timestamps: false });
  });

  it('answers 404 for a source that is not configured', () => {
    expect(() => serviceWith().list('docker-ssh', 'x')).toThrow(/No docker-ssh source/);
  });

  it('delegates actions with the force flag and audits the outcome once', async () => {
    const runAction = jest.fn().mockResolvedValue('done');
    const service = serviceWith(fakeSource('docker-tcp', { capabilities: ['manage'], runAction }));
    await service.act(ADMIN, 'docker-tcp', 'h1', 'web', 'remove', true);
    expect(runAction).toHaveBeenCalledWith('h1', 'web', 'remove', { force: true });
    expect(auditRows.mock.calls.map(([row]) => row)).toEqual([
      expect.objectContaining({
        actor: 'admin',
        action: 'docker-tcp.container.remove',
        target: 'docker-tcp:h1-name/web',
        result: 'success',
        detail: 'hostId=h1 force=true done',
      }),
    ]);
  });

  it('audits a failed or needless action with the same detail grammar for every source', async () => {
    const runAction = jest
      .fn()
      .mockResolvedValueOnce('unchanged')
      .mockRejectedValueOnce(new AppError(ErrorCode.Conflict, 'Container web is not running'));
    const service = serviceWith(fakeSource('docker-ssh', { capabilities: ['manage'], runAction }));
    await service.act(ADMIN, 'docker-ssh', 't1', 'web', 'stop');
    await expect(service.act(ADMIN, 'docker-ssh', 't1', 'web', 'pause')).rejects.toThrow(
      'is not running',
    );
    expect(auditRows.mock.calls.map(([row]) => [row.result, row.detail])).toEqual([
      ['success', 'hostId=t1 no change: already in that state'],
      ['failure', 'hostId=t1 error: Container web is not running'],
    ]);
  });
});
