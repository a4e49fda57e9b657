/**
 * The Prometheus export (issue 15) read by a real Prometheus (Debian's `prometheus` 2.42): it
 * scrapes `GET /api/metrics` on loopback with the scrape token and serves the `archnest_*`
 * series, labelled source, host, container and image, from an agent host and a Docker API
 * host; `promtool check metrics` accepts the scrape body; the guard answers 503 while the
 * export is off and 401 for a missing or wrong token or a user's JWT.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInfra } from '../harness/infra';
import { freePort, logTail, spawnDaemon, stopProcess, waitFor } from '../harness/proc';
import { agentContainer, agentReport } from '../support/agent-report-fixture';
import { addHost, removeContainers, runContainer, unixUrl } from '../support/docker-tcp';
import { Http, seedUsers } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

const SCRAPE_TOKEN = 'prometheus-scrape-token-0123456789';
const AGENT_TOKEN = 'prometheus-agent-token-0123456789';
const IDLE = 'prom-idle';

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

interface PromAnswer<T> {
  status: string;
  data: T;
}

describe('Prometheus export', () => {
  let testApp: TestApp;
  let http: Http;
  let tokens: { admin: string; member: string };
  let hostId: string;
  let workDir: string;
  let logFile: string;
  let prometheusPid = 0;
  let prometheusUrl: string;

  const scrape = () => http.as(SCRAPE_TOKEN).get('/api/metrics');
  const promQuery = async (expr: string): Promise<Sample[]> => {
    const reply = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await reply.json()) as PromAnswer<{ result: Sample[] }>;
    expect(body.status).toBe('success');
    return body.data.result;
  };
  const labelsOf = (samples: Sample[]) =>
    samples
      .map(({ metric }) => [metric.source, metric.host, metric.container, metric.image].join(' '))
      .sort();

  beforeAll(async () => {
    await removeContainers([IDLE]);
    await runContainer(IDLE, [], ['sleep', '3600']);
    testApp = await startTestApp({
      ARCHNEST_METRICS_TOKEN: SCRAPE_TOKEN,
      ARCHNEST_AGENT_TOKEN: AGENT_TOKEN,
      ARCHNEST_DOCKER_STATS_INTERVAL_MS: '1000',
    });
    const apiPort = await freePort();
    await testApp.app.listen(apiPort, '127.0.0.1');
    http = new Http(testApp.app);
    tokens = await seedUsers(http);
    hostId = (await addHost(http.as(tokens.admin), { name: 'prom-engine', url: unixUrl() })).id;
    const report = agentReport({ hostId: 'prom-agent', hostname: 'prom-agent.lan' }, 0);
    const stats = agentContainer().stats;
    const sent = await http.as(AGENT_TOKEN).post('/api/agents/docker/report', {
      ...report,
      containers: [
        agentContainer({
          name: 'web',
          image: 'nginx:1.27',
          stats: { ...stats!, cpuPercent: 12.5 },
        }),
        agentContainer({
          name: 'db',
          image: 'postgres:16',
          stats: { ...stats!, cpuPercent: 3.25 },
        }),
      ],
    });
    expect(sent.status).toBe(200);

    // Under the harness's temp dir: its teardown stops a Prometheus this file leaves behind.
    workDir = mkdtempSync(join(loadInfra().tmpDir, 'prometheus-'));
    logFile = join(workDir, 'prometheus.log');
    const configFile = join(workDir, 'prometheus.yml');
    const job = (name: string, token: string) =>
      [
        `  - job_name: ${name}`,
        '    metrics_path: /api/metrics',
        '    authorization:',
        '      type: Bearer',
        `      credentials: ${token}`,
        '    static_configs:',
        `      - targets: ['127.0.0.1:${apiPort}']`,
      ].join('\n');
    writeFileSync(
      configFile,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        job('archnest', SCRAPE_TOKEN),
        job('archnest-wrong-token', 'not-the-scrape-token-0123456789'),
        '',
      ].join('\n'),
    );
    const promPort = await freePort();
    prometheusUrl = `http://127.0.0.1:${promPort}`;
    prometheusPid = spawnDaemon(
      'prometheus',
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(workDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      logFile,
    );
    await waitFor('Prometheus to be ready', async () => {
      try {
        return (await fetch(`${prometheusUrl}/-/ready`)).ok;
      } catch {
        return false;
      }
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${logTail(logFile)}`);
    });
  });

  afterAll(async () => {
    if (prometheusPid > 0) {
      await stopProcess(prometheusPid, { mustReference: workDir, graceMs: 5_000 });
    }
    if (workDir) {
      rmSync(workDir, { recursive: true, force: true });
    }
    await testApp?.close();
    await removeContainers([IDLE]);
  });

  it('is scraped by a real Prometheus: the archnest_* series with source, host, container and image', async () => {
    const expected = [
      'agent prom-agent db postgres:16',
      'agent prom-agent web nginx:1.27',
      `docker-tcp ${hostId} ${IDLE} ${loadInfra().docker.image}`,
    ];
    let cpu: Sample[] = [];
    await waitFor(
      'Prometheus to hold the CPU series of every container',
      async () => {
        cpu = await promQuery('archnest_container_cpu_percent');
        return labelsOf(cpu).join('\n') === expected.join('\n');
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; got ${JSON.stringify(cpu)}\n${logTail(logFile)}`);
    });
    const valueOf = (container: string) =>
      Number(cpu.find(({ metric }) => metric.container === container)?.value[1]);
    expect([valueOf('web'), valueOf('db')]).toEqual([12.5, 3.25]);
    expect(cpu.every(({ metric }) => metric.job === 'archnest')).toBe(true);

    const stats = agentContainer().stats!;
    const memory = await promQuery('archnest_container_memory_usage_bytes{source="agent"}');
    expect(memory.map(({ value }) => Number(value[1]))).toEqual([stats.memUsage, stats.memUsage]);
    const received = await promQuery(
      'archnest_container_network_receive_bytes_total{container="web"}',
    );
    expect(received.map(({ value }) => Number(value[1]))).toEqual([stats.netRxBytes]);
    const up = await promQuery('archnest_container_up');
    expect(labelsOf(up)).toEqual(expected);
    expect(up.map(({ value }) => value[1])).toEqual(['1', '1', '1']);
    const hostsUp = await promQuery('archnest_host_up');
    expect(
      hostsUp.map(({ metric, value }) => [metric.source, metric.host, value[1]]).sort(),
    ).toEqual([
      ['agent', 'prom-agent', '1'],
      ['docker-tcp', hostId, '1'],
    ]);

    // The job with a wrong token is refused: its target is down with a 401.
    let targets: string[][] = [];
    await waitFor('both jobs to have been scraped', async () => {
      targets = (await promQuery('up')).map(({ metric, value }) => [metric.job, value[1]]).sort();
      return targets.length === 2;
    });
    expect(targets).toEqual([
      ['archnest', '1'],
      ['archnest-wrong-token', '0'],
    ]);
    const active = (await (await fetch(`${prometheusUrl}/api/v1/targets`)).json()) as PromAnswer<{
      activeTargets: { scrapePool: string; lastError: string }[];
    }>;
    expect(
      active.data.activeTargets.find((target) => target.scrapePool === 'archnest-wrong-token')
        ?.lastError,
    ).toMatch(/401/);
  });

  it('serves a body that promtool check metrics accepts', async () => {
    const reply = await scrape();
    expect(reply.status).toBe(200);
    expect(String(reply.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(reply.text).toContain('archnest_container_cpu_percent{source="agent",host="prom-agent"');
    const check = spawnSync('promtool', ['check', 'metrics'], {
      input: reply.text,
      encoding: 'utf8',
    });
    expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  });

  it('refuses a missing or wrong token and a user JWT with a 401', async () => {
    const refused = [
      undefined,
      'not-the-scrape-token-0123456789',
      `${SCRAPE_TOKEN}x`,
      AGENT_TOKEN,
      tokens.admin,
      tokens.member,
    ];
    for (const token of refused) {
      const reply = await http.as(token).get('/api/metrics');
      expect([token, reply.status]).toEqual([token, 401]);
      expect(reply.text).not.toContain('archnest_');
    }
  });

  it('answers 503 while ARCHNEST_METRICS_TOKEN is unset', async () => {
    const off = await startTestApp();
    try {
      const offHttp = new Http(off.app);
      for (const token of [undefined, SCRAPE_TOKEN]) {
        const reply = await offHttp.as(token).get<{ message: string }>('/api/metrics');
        expect([reply.status, reply.body.message]).toEqual([
          503,
          'The Prometheus export is off: set ARCHNEST_METRICS_TOKEN',
        ]);
      }
    } finally {
      await off.close();
    }
  });
});
