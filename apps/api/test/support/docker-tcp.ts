/** Helpers shared by the docker-tcp integration tests. */
import type { AuditEntry, Page } from '@archnest/contracts';
import { runDocker } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import type { Http } from './http';
import type { ClientTls } from './docker-tls';

export interface DockerHostBody {
  id: string;
  name: string;
  url: string;
  tls: { configured: boolean };
  lastSeenAt: string | null;
}

/** Saves a host through the API (verified unless verify is false) and returns it. */
export async function addHost(
  admin: Http,
  body: { name: string; url: string; tls?: ClientTls },
  verify = true,
): Promise<DockerHostBody> {
  const reply = await admin.post<DockerHostBody>(`/api/docker/hosts?verify=${verify}`, body);
  if (reply.status !== 201) {
    throw new Error(`adding host ${body.name} failed: ${reply.status} ${reply.text}`);
  }
  return reply.body;
}

export function unixUrl(): string {
  return `unix://${loadInfra().docker.socketPath}`;
}

/** `docker run -d --name <name> …` on the private engine, with a short stop grace period. */
export async function runContainer(
  name: string,
  args: string[],
  command: string[],
): Promise<string> {
  const image = loadInfra().docker.image;
  const id = await runDocker([
    'run',
    '-d',
    '--name',
    name,
    '--stop-timeout',
    '1',
    ...args,
    image,
    ...command,
  ]);
  return id.trim();
}

export async function removeContainers(names: string[]): Promise<void> {
  const existing = (await runDocker(['ps', '-a', '--format', '{{.Names}}'])).split('\n');
  const present = names.filter((name) => existing.includes(name));
  if (present.length > 0) {
    await runDocker(['rm', '-f', ...present]);
  }
}

export async function engineState(name: string): Promise<string> {
  return (await runDocker(['inspect', '--format', '{{.State.Status}}', name])).trim();
}

/** Newest audit rows first. */
export async function auditRows(admin: Http, pageSize = 50): Promise<AuditEntry[]> {
  const reply = await admin.get<Page<AuditEntry>>(`/api/audit?pageSize=${pageSize}`);
  return reply.body.items;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

/** Jest's asymmetric matchers, typed (they return `any`, which lint refuses in object literals). */
export const textMatching = (pattern: RegExp): string => expect.stringMatching(pattern) as string;
export const textContaining = (text: string): string => expect.stringContaining(text) as string;
export const anyText = (): string => expect.any(String) as string;
export const objectContaining = <T>(fields: Partial<T>): T => expect.objectContaining(fields) as T;
export const arrayContaining = <T>(items: T[]): T[] => expect.arrayContaining(items) as T[];
