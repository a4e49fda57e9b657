/**
 * Simulated push agents for the reliability suites: each posts its own host's reports over real
 * HTTP in a loop, and keeps the last report the server answered 2xx for, so a test can check
 * afterwards (./load-check) that the server still has exactly that report.
 */
import type { AgentReport } from '@archnest/contracts';
import { AGENT_REPORTS_PER_MINUTE } from '../../src/container-sources/agents/agents.controller';
import { sleep, waitFor } from '../harness/proc';
import { call, LOAD_AGENT_TOKEN, loadReport, REPORT_PATH, Tally } from './agent-load';

export interface SimulatedAgent {
  hostId: string;
  seq: number;
  /** The last report the server answered 2xx for. */
  acked: AgentReport | null;
}

/**
 * `count` agents posting in a loop, each paced to one report per `intervalMs` (by default just
 * under the per-host limit of AGENT_REPORTS_PER_MINUTE), so a 429 would mean the limiter is wrong.
 */
export class AgentFleet {
  readonly agents: SimulatedAgent[];
  readonly tally = new Tally();
  private running: Promise<void>[] = [];
  private stopping = false;

  constructor(
    private readonly baseUrl: string,
    count: number,
    prefix: string,
    private readonly intervalMs = Math.ceil((60_000 / AGENT_REPORTS_PER_MINUTE) * 1.2),
  ) {
    this.agents = Array.from({ length: count }, (_, i) => ({
      hostId: `${prefix}-${i}`,
      seq: 0,
      acked: null,
    }));
  }

  start(): void {
    this.running = this.agents.map((agent) => this.loop(agent));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  /** Resolves once every agent has had at least one report accepted. */
  everyAgentAcked(timeoutMs = 30_000): Promise<void> {
    return waitFor(
      'every agent to have a report accepted',
      () => this.agents.every((a) => a.acked !== null),
      timeoutMs,
    );
  }

  private async loop(agent: SimulatedAgent): Promise<void> {
    await sleep(Math.random() * this.intervalMs);
    while (!this.stopping) {
      const started = Date.now();
      await this.post(agent);
      await sleep(Math.max(0, this.intervalMs - (Date.now() - started)));
    }
  }

  private async post(agent: SimulatedAgent): Promise<void> {
    agent.seq += 1;
    const report = loadReport(agent.hostId, agent.seq);
    const reply = await this.tally.track(REPORT_PATH, () =>
      call<{ hostId?: string }>(this.baseUrl, 'POST', REPORT_PATH, {
        token: LOAD_AGENT_TOKEN,
        body: report,
      }),
    );
    if (reply && reply.status >= 200 && reply.status < 300 && reply.body.hostId === agent.hostId) {
      agent.acked = report;
    }
  }
}
