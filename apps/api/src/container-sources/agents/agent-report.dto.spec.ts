import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { agentContainer, agentReport } from '../../../test/support/agent-report-fixture';
import { AgentReportDto } from './agent-report.dto';
import { AgentReportPipe } from './agent-report.pipe';

const pipe = new ValidationPipe({ whitelist: true, forbidUnknownValues: true, transform: true });
const metadata: ArgumentMetadata = { type: 'body', metatype: AgentReportDto };

type Validate = (payload: unknown) => Promise<unknown>;

const classValidator: Validate = (payload) => pipe.transform(payload, metadata);
const compiled: Validate = (payload) => Promise.resolve(new AgentReportPipe().transform(payload));

async function messagesOf(validate: Validate, payload: unknown): Promise<string[]> {
  try {
    await validate(payload);
    return [];
  } catch (error) {
    const response = (error as BadRequestException).getResponse() as { message: string[] };
    return response.message;
  }
}

// The ingest route validates with the compiled pipe; both must accept and refuse the same bodies.
describe.each([
  ['class-validator', classValidator],
  ['the compiled ingest pipe', compiled],
])('AgentReportDto through %s', (_name, validate) => {
  const messagesFor = (payload: unknown): Promise<string[]> => messagesOf(validate, payload);

  it('accepts the documented example report', async () => {
    await expect(messagesFor(agentReport())).resolves.toEqual([]);
  });

  it('accepts containers without ports, networks, mounts or stats', async () => {
    const bare = agentContainer({
      ports: [],
      networks: [],
      mounts: [],
      env: [],
      labels: {},
      stats: null,
      startedAt: null,
    });
    await expect(messagesFor(agentReport({ containers: [bare] }))).resolves.toEqual([]);
  });

  it('accepts unpublished ports (null host address and port)', async () => {
    const ports = [{ hostIp: null, hostPort: null, containerPort: 443, proto: 'tcp' as const }];
    await expect(
      messagesFor(agentReport({ containers: [agentContainer({ ports })] })),
    ).resolves.toEqual([]);
  });

  it('names a missing nested field', async () => {
    const { ports: _ports, ...withoutPorts } = agentContainer();
    const messages = await messagesFor({ ...agentReport(), containers: [withoutPorts] });
    expect(messages.join('\n')).toContain('containers.0.ports');
  });

  it.each([
    ['hostId', { hostId: 'bad host/id' }],
    ['hostId', { hostId: '' }],
    ['reportedAt', { reportedAt: 'yesterday' }],
    ['containers', { containers: 'none' as unknown as [] }],
  ])('names %s when the report is wrong', async (field, change) => {
    const messages = await messagesFor({ ...agentReport(), ...change });
    expect(messages.join('\n')).toContain(field);
  });

  it.each([
    ['containers.0.state', { state: 'sleeping' }],
    ['containers.0.health', { health: 'fine' }],
    ['containers.0.restartCount', { restartCount: -1 }],
    ['containers.0.restartCount', { restartCount: 1.5 }],
    ['containers.0.id', { id: 'short' }],
    ['containers.0.name', { name: '-rm -rf' }],
    ['containers.0.createdAt', { createdAt: 'not a date' }],
    [
      'containers.0.ports.0.hostPort',
      { ports: [{ hostIp: null, hostPort: 70000, containerPort: 80, proto: 'tcp' }] },
    ],
    [
      'containers.0.ports.0.proto',
      { ports: [{ hostIp: null, hostPort: 1, containerPort: 80, proto: 'icmp' }] },
    ],
    ['containers.0.env.0.value', { env: [{ key: 'A', value: 'x'.repeat(20_000) }] }],
    ['containers.0.labels', { labels: { a: 1 } as unknown as Record<string, string> }],
    ['containers.0.stats.memUsage', { stats: { ...agentContainer().stats!, memUsage: -5 } }],
  ])('names %s for a bad container field', async (field, change: object) => {
    const messages = await messagesFor(
      agentReport({ containers: [{ ...agentContainer(), ...change }] }),
    );
    expect(messages.join('\n')).toContain(field);
  });

  it('strips unknown fields and keeps __proto__ keys harmless', async () => {
    const payload = JSON.parse(
      JSON.stringify({ ...agentReport(), extra: 'x' }).replace(
        '"labels":{',
        '"labels":{"__proto__":"x","constructor":"y",',
      ),
    ) as unknown;
    const dto = (await validate(payload)) as AgentReportDto;
    expect(dto).not.toHaveProperty('extra');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });
});

describe('the ingest pipe on schema v2', () => {
  const transform = (payload: unknown) => new AgentReportPipe().transform(payload);
  const messagesFor = (payload: unknown) => messagesOf(compiled, payload);
  const digest = 'e'.repeat(64);
  const report = agentReport();
  const steady = {
    schemaVersion: 2,
    kind: 'steady',
    hostId: report.hostId,
    hostname: report.hostname,
    agentVersion: '2',
    reportedAt: report.reportedAt,
    inventoryDigest: digest,
    containers: report.containers.map((c) => ({
      id: c.id.slice(0, 12),
      status: c.status,
      stats: [1, 2, 3, 4, 5, 6, 7],
    })),
  };

  it('takes full v2 reports and v1 reports as full ones', async () => {
    await expect(
      messagesFor({ ...report, schemaVersion: 2, kind: 'full', inventoryDigest: digest }),
    ).resolves.toEqual([]);
    expect(transform(report)).not.toHaveProperty('kind');
  });

  it('validates a steady report against the steady schema', async () => {
    await expect(messagesFor(steady)).resolves.toEqual([]);
    await expect(
      messagesFor({ ...steady, containers: [{ id: 'c'.repeat(12), status: 'Up', stats: null }] }),
    ).resolves.toEqual([]);
    // A steady report is not a full one: its containers lack the inventory fields.
    expect((await messagesFor({ ...steady, kind: 'full' })).join(' ')).toContain(
      'containers.0.name',
    );
  });

  it.each([
    ['inventoryDigest', { inventoryDigest: undefined }],
    ['inventoryDigest', { inventoryDigest: 'E'.repeat(64) }],
    ['schemaVersion', { schemaVersion: 1 }],
    ['containers.0.id', { containers: [{ id: 'c'.repeat(11), status: 'Up', stats: null }] }],
    [
      'containers.0.stats',
      { containers: [{ id: 'c'.repeat(12), status: 'Up', stats: [1, 2, 3, 4, 5, 6] }] },
    ],
    [
      'containers.0.stats.6',
      { containers: [{ id: 'c'.repeat(12), status: 'Up', stats: [1, 2, 3, 4, 5, 6, 'x'] }] },
    ],
  ])('names %s for a bad steady field', async (field, change: object) => {
    expect((await messagesFor({ ...steady, ...change })).join('\n')).toContain(field);
  });
});
