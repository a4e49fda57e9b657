/**
 * The injection corpus against container refs and action verbs, through every real route that
 * takes them (docker-tcp, docker-ssh, and the aggregator's /api/containers/{source}/…), with a
 * TCP host whose engine sits behind a recording loopback proxy. Every hostile input must be
 * refused before anything leaves the API: no Engine API request, no SSH connection, no
 * execution (a canary file and a canary container never appear), and over the whole file every
 * request the engine saw used an allowed Engine API path.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runDocker } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import {
  createTarget,
  engineState,
  NEW_CONNECTION,
  pinTarget,
  removeContainers,
  runBusybox,
  SshdLog,
  targetBody,
} from '../support/docker-ssh';
import { addHost } from '../support/docker-tcp';
import { RecordingEngineProxy } from '../support/engine-proxy';
import { Http, seedUsers } from '../support/http';
import {
  HOSTILE_REF_SEGMENTS,
  HOSTILE_VERBS,
  hostileRefs,
  MORE_HOSTILE_REF_STRINGS,
  VALID_BUT_ABSENT_REFS,
} from '../support/injection-corpus';
import { startTestApp, TestApp } from '../support/test-app';

const VICTIM = 'inj-victim';
const CANARY = 'inj-canary-created';
/** Fastify refuses a path parameter over 100 characters with 414, before any route runs. */
const MAX_PARAM_LENGTH = 100;

/** The Engine API paths the API may use (optionally versioned); refs by Docker's grammar. */
const REF = '[a-zA-Z0-9][a-zA-Z0-9_.-]+';
const VERSION = '(?:/v\\d+\\.\\d+)?';
const ALLOWED_ENGINE_REQUESTS: readonly RegExp[] = [
  new RegExp(`^(GET|HEAD) ${VERSION}/(_ping|version|info)(\\?.*)?$`),
  new RegExp(`^GET ${VERSION}/containers/json(\\?.*)?$`),
  new RegExp(`^GET ${VERSION}/containers/${REF}/(json|logs|stats)(\\?.*)?$`),
  new RegExp(`^POST ${VERSION}/containers/${REF}/(start|stop|restart|pause|unpause)(\\?.*)?$`),
  new RegExp(`^DELETE ${VERSION}/containers/${REF}(\\?.*)?$`),
];

async function engineContainers(): Promise<string[]> {
  const lines = await runDocker(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Names}}']);
  return lines.split('\n').filter(Boolean).sort();
}

describe('injection corpus against container refs and action verbs', () => {
  let testApp: TestApp;
  let admin: Http;
  let proxy: RecordingEngineProxy;
  let sentinelDir: string;
  let sentinel: string;
  let bases: Record<string, string>;
  let containersBefore: string[];
  const figures = { refs: 0, verbs: 0, requests: 0, refused414: 0 };

  beforeAll(async () => {
    sentinelDir = mkdtempSync('/tmp/archnest-injection-');
    chmodSync(sentinelDir, 0o777); // the SSH user must be able to create it, were it ever run
    sentinel = join(sentinelDir, 'pwned');
    await removeContainers([VICTIM, CANARY]);
    await runBusybox(VICTIM, ['sleep', '3600']);
    proxy = new RecordingEngineProxy(loadInfra().docker.socketPath);
    const proxyUrl = await proxy.listen();
    // The background stats collector off: every engine request here must come from a test request.
    testApp = await startTestApp({ ARCHNEST_DOCKER_STATS_INTERVAL_MS: '0' });
    const http = new Http(testApp.app);
    admin = http.as((await seedUsers(http)).admin);
    const host = await addHost(admin, { name: 'behind-proxy', url: proxyUrl });
    // A fresh target, pinned but never connected for containers: any connection would show.
    const target = await createTarget(admin, targetBody('injection-box'));
    await pinTarget(admin, target.id);
    bases = {
      'docker-tcp': `/api/docker/hosts/${host.id}/containers`,
      'docker-ssh': `/api/docker-ssh/targets/${target.id}/containers`,
      'aggregator docker-tcp': `/api/containers/docker-tcp/${host.id}`,
      'aggregator docker-ssh': `/api/containers/docker-ssh/${target.id}`,
    };
    containersBefore = await engineContainers();
  });

  afterAll(async () => {
    console.log(
      `security-injection: ${figures.refs} hostile refs and ${figures.verbs} hostile verbs, ` +
        `${figures.requests} requests over ${Object.keys(bases ?? {}).length} route families ` +
        `(${figures.refused414} of them 414 for params over ${MAX_PARAM_LENGTH} characters); ` +
        `${proxy?.requests.length ?? 0} Engine API requests seen by the proxy, all allowed`,
    );
    await testApp?.close();
    await proxy?.close();
    await removeContainers([VICTIM, CANARY]);
    rmSync(sentinelDir, { recursive: true, force: true });
  });

  /** Nothing ran, nothing was created, the victim is untouched. */
  async function expectNothingExecuted(): Promise<void> {
    expect(existsSync(sentinel)).toBe(false);
    expect(await engineContainers()).toEqual(containersBefore);
    expect(await engineState(VICTIM)).toBe('running');
  }

  function payloads(): string[] {
    const { dockerHost, image } = loadInfra().docker;
    return [
      `touch ${sentinel}`,
      `sh -c 'touch ${sentinel}'`,
      `docker -H ${dockerHost} run -d --name ${CANARY} ${image} true`,
    ];
  }

  it('refuses every hostile ref on every container route with 400, before any request', async () => {
    const segments = [
      ...[...hostileRefs(payloads()), ...MORE_HOSTILE_REF_STRINGS].map(encodeURIComponent),
      ...HOSTILE_REF_SEGMENTS,
    ];
    const engineMark = proxy.requests.length;
    const sshLog = new SshdLog('target');
    const wrong: string[] = [];
    for (const segment of segments) {
      figures.refs += 1;
      for (const [family, base] of Object.entries(bases)) {
        const path = `${base}/${segment}`;
        const replies = await Promise.all([
          admin.get(path),
          admin.get(`${path}/logs?tail=5`),
          admin.get(`${path}/stats`),
          admin.post(`${path}/start`),
          admin.delete(`${path}?force=true`),
        ]);
        for (const reply of replies) {
          figures.requests += 1;
          const overlong = segment.length > MAX_PARAM_LENGTH && reply.status === 414;
          figures.refused414 += overlong ? 1 : 0;
          if (reply.status !== 400 && !overlong) {
            wrong.push(`${family} ${segment} → ${reply.status} ${reply.text.slice(0, 120)}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(segments.length).toBeGreaterThanOrEqual(80);
    expect(proxy.requests.slice(engineMark)).toEqual([]);
    expect(sshLog.since()).not.toMatch(NEW_CONNECTION);
    await expectNothingExecuted();
  });

  it('refuses every verb outside the whitelist with 400, on a real running container', async () => {
    const engineMark = proxy.requests.length;
    const sshLog = new SshdLog('target');
    const wrong: string[] = [];
    for (const verb of HOSTILE_VERBS) {
      figures.verbs += 1;
      for (const [family, base] of Object.entries(bases)) {
        const reply = await admin.post(`${base}/${VICTIM}/${encodeURIComponent(verb)}`);
        figures.requests += 1;
        if (reply.status !== 400) {
          wrong.push(`${family} ${JSON.stringify(verb)} → ${reply.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(proxy.requests.slice(engineMark)).toEqual([]);
    expect(sshLog.since()).not.toMatch(NEW_CONNECTION);
    await expectNothingExecuted();
  });

  it('lets valid refs through, quoted or on an allowed path, where they name only a container', async () => {
    const engineMark = proxy.requests.length;
    for (const ref of VALID_BUT_ABSENT_REFS) {
      for (const base of Object.values(bases)) {
        const path = `${base}/${encodeURIComponent(ref)}`;
        const replies = [await admin.get(path), await admin.post(`${path}/stop`)];
        expect([ref, base, replies.map((r) => r.status)]).toEqual([ref, base, [404, 404]]);
      }
    }
    // The whitelisted verbs work, so the refusals above are not a dead route.
    for (const base of Object.values(bases)) {
      expect((await admin.post(`${base}/${VICTIM}/pause`)).status).toBe(204);
      expect(await engineState(VICTIM)).toBe('paused');
      expect((await admin.post(`${base}/${VICTIM}/unpause`)).status).toBe(204);
    }
    const seen = proxy.requests.slice(engineMark);
    expect(seen).toEqual(expect.arrayContaining([`POST /containers/${VICTIM}/pause`]));
    expect(seen).toEqual(expect.arrayContaining([`GET /containers/a..b/json`]));
    await expectNothingExecuted();
  });

  it('sent the engine only requests on allowed Engine API paths, over the whole file', () => {
    expect(proxy.requests.length).toBeGreaterThan(0);
    const outside = proxy.requests.filter(
      (line) => !ALLOWED_ENGINE_REQUESTS.some((pattern) => pattern.test(line)),
    );
    expect(outside).toEqual([]);
  });
});
