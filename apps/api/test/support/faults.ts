import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { call, LOAD_AGENT_TOKEN, loadReport, REPORT_PATH, type Outcome } from './agent-load';

/** The Retry-After the API sends while its storage is down or full. */
export const RETRY_AFTER = '10';

export function ingest(baseUrl: string, hostId: string, seq: number, containers?: number) {
  return call<{ message?: string }>(baseUrl, 'POST', REPORT_PATH, {
    token: LOAD_AGENT_TOKEN,
    body: loadReport(hostId, seq, containers),
  });
}

/** Statuses other than the allowed ones, and 503s that did not say when to retry. */
export function unexpected(outcomes: Outcome[], allowed: number[]): Outcome[] {
  return outcomes.filter(
    (o) =>
      o.status === null ||
      !allowed.includes(o.status) ||
      (o.status === 503 && o.retryAfter !== RETRY_AFTER),
  );
}

/** Writes a file until the file system has no block left; returns its path. */
export function fillUp(dir: string): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x61);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') {
            throw error;
          }
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}
