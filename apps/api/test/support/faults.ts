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
