/**
 * docs/api.md, done by a test: generate a typed client with openapi-typescript from the running
 * server's document, compile the guide's client code against it (a route, parameter or field the
 * document lost fails the compilation), run that code against the server, and check the document
 * an integrator reads: summaries, descriptions, verb + noun operationIds, one error schema,
 * request examples and described tags.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as ts from 'typescript';
import { agentContainer, agentReport } from '../support/agent-report-fixture';
import { ADMIN, Http, seedUsers } from '../support/http';
import type { OpenApiDocument } from '../support/openapi-operations';
import { startTestApp, TestApp } from '../support/test-app';

const AGENT_TOKEN = 'openapi-client-agent-token-0123456789';
/** Inside the repository, so the client resolves openapi-fetch from its node_modules. */
const WORK_ROOT = resolve(__dirname, '../../../../.test-output');
/** `npx openapi-typescript`, as docs/api.md runs it. */
const OPENAPI_TYPESCRIPT = resolve(
  __dirname,
  '../../../../node_modules/openapi-typescript/bin/cli.js',
);

/** The client code of docs/api.md ("Use it"), typed by the generated `paths`. */
const CLIENT_SOURCE = `
import createClient from 'openapi-fetch';
import type { paths } from './archnest-api';

export async function tour(baseUrl: string, username: string, password: string) {
  const api = createClient<paths>({ baseUrl });
  const login = await api.POST('/api/auth/login', { body: { username, password } });
  if (!login.data) {
    throw new Error('login failed: ' + JSON.stringify(login.error));
  }
  const token = login.data.accessToken;
  api.use({
    onRequest: ({ request }) => {
      request.headers.set('authorization', 'Bearer ' + token);
      return request;
    },
  });
  const hosts = (await api.GET('/api/containers/hosts')).data ?? [];
  const host = hosts[0];
  const containers = host
    ? ((
        await api.GET('/api/containers/{source}/{hostId}', {
          params: { path: { source: host.source, hostId: host.hostId } },
        })
      ).data ?? [])
    : [];
  const stop = await api.POST('/api/containers/{source}/{hostId}/{ref}/{action}', {
    params: { path: { source: 'agent', hostId: host?.hostId ?? 'none', ref: 'web', action: 'stop' } },
  });
  return {
    hosts: hosts.map((h) => h.source + '/' + h.hostId),
    containers: containers.map((c) => c.name),
    stopStatus: stop.response.status,
    stopMessage: stop.error?.message,
  };
}
`;

type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  requestBody?: { content: Record<string, { example?: unknown; examples?: object }> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};

function compile(dir: string): string[] {
  const program = ts.createProgram([join(dir, 'client.ts')], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the OpenAPI document, read by a generated client', () => {
  let testApp: TestApp;
  let baseUrl: string;
  let document: OpenApiDocument & { tags?: { name: string; description?: string }[] };
  let dir: string;

  beforeAll(async () => {
    testApp = await startTestApp({ ARCHNEST_AGENT_TOKEN: AGENT_TOKEN });
    const http = new Http(testApp.app);
    await seedUsers(http);
    const report = agentReport({
      hostId: 'typed-vm',
      containers: [agentContainer({ name: 'web' })],
    });
    expect((await http.as(AGENT_TOKEN).post('/api/agents/docker/report', report)).status).toBe(200);
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    document = (await (await fetch(`${baseUrl}/api/docs-json`)).json()) as typeof document;
    mkdirSync(WORK_ROOT, { recursive: true });
    dir = mkdtempSync(join(WORK_ROOT, 'typed-client-'));
  });
  afterAll(async () => {
    await testApp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates types that the guide client compiles against, then runs it', async () => {
    await promisify(execFile)(process.execPath, [
      OPENAPI_TYPESCRIPT,
      `${baseUrl}/api/docs-json`,
      '-o',
      join(dir, 'archnest-api.d.ts'),
    ]);
    writeFileSync(join(dir, 'client.ts'), CLIENT_SOURCE);
    expect(compile(dir)).toEqual([]);

    // A client written against a route the document does not have must not compile.
    writeFileSync(
      join(dir, 'client.ts'),
      CLIENT_SOURCE.replace("'/api/containers/hosts'", "'/api/containers/no-such-route'"),
    );
    expect(compile(dir).length).toBeGreaterThan(0);

    writeFileSync(join(dir, 'client.ts'), CLIENT_SOURCE);
    const output = ts.transpileModule(CLIENT_SOURCE, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    }).outputText;
    writeFileSync(join(dir, 'client.js'), output);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { tour } = require(join(dir, 'client.js')) as {
      tour(baseUrl: string, username: string, password: string): Promise<Record<string, unknown>>;
    };
    await expect(tour(baseUrl, ADMIN.username, ADMIN.password)).resolves.toEqual({
      hosts: ['agent/typed-vm'],
      containers: ['web'],
      stopStatus: 400,
      stopMessage: 'container actions not available: not reported by the agent source',
    });
  });

  function operations(): [string, Operation][] {
    return Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods as Record<string, Operation>).map(
        ([method, operation]) =>
          [`${method.toUpperCase()} ${path}`, operation] as [string, Operation],
      ),
    );
  }

  it('gives every operation a summary, a description and a verb + noun operationId', () => {
    const all = operations();
    expect(all.length).toBeGreaterThan(40);
    const lacking = all
      .filter(
        ([, op]) =>
          !op.summary || !op.description || !/^[a-z]+(?:[A-Z][a-z]+)*$/.test(op.operationId ?? ''),
      )
      .map(([name, op]) => `${name} (${op.operationId})`);
    expect(lacking).toEqual([]);
    const ids = all.map(([, op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['listContainers', 'getContainerStats', 'runContainerAction']),
    );
  });

  it('documents every error answer with the one ErrorResponse schema', () => {
    const errors = operations().flatMap(([name, op]) =>
      Object.entries(op.responses)
        // The health check answers 503 with its own report (which part is down), by design;
        // the ingest's 409 is the delta protocol's needFull answer (checked below).
        .filter(([status]) => Number(status) >= 400 && !name.endsWith(' /api/health'))
        .filter(([status]) => !(name === 'POST /api/agents/docker/report' && status === '409'))
        .map(([status, response]) => [
          `${name} ${status}`,
          response.content?.['application/json']?.schema?.$ref,
        ]),
    );
    expect(errors.length).toBeGreaterThan(100);
    expect(errors.filter(([, ref]) => ref !== '#/components/schemas/ErrorResponse')).toEqual([]);
    // needFull is an ErrorResponse with one more field.
    const needFull = document.components.schemas.AgentNeedFullResponse as {
      properties?: Record<string, unknown>;
    };
    expect(Object.keys(needFull?.properties ?? {}).sort()).toEqual([
      'error',
      'message',
      'needFull',
      'statusCode',
    ]);
  });

  it('gives every request body an example and every tag a description', () => {
    const bodies = operations().filter(([, op]) => op.requestBody);
    expect(bodies.length).toBeGreaterThan(5);
    const bare = bodies
      .filter(([, op]) => {
        const json = op.requestBody?.content['application/json'];
        return json?.example === undefined && json?.examples === undefined;
      })
      .map(([name]) => name);
    expect(bare).toEqual([]);
    const used = new Set(operations().flatMap(([, op]) => (op as { tags?: string[] }).tags ?? []));
    const described = (document.tags ?? []).filter((tag) => tag.description).map((tag) => tag.name);
    expect([...used].filter((tag) => !described.includes(tag))).toEqual([]);
  });
});
