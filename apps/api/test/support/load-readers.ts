/** Members reading the console's lists while a fleet of agents posts (reliability suites). */
import { sleep } from '../harness/proc';
import type { AgentFleet } from './agent-fleet';
import { call, Tally } from './agent-load';

/** Members reading the lists the console shows, `count` loops, as fast as answers come. */
export class Readers {
  readonly tally = new Tally();
  private running: Promise<void>[] = [];
  private stopping = false;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly count: number,
    private readonly fleet: AgentFleet,
  ) {}

  start(): void {
    this.running = Array.from({ length: this.count }, (_, i) => this.loop(i));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  private async loop(index: number): Promise<void> {
    let turn = index;
    while (!this.stopping) {
      turn += 1;
      const reported = this.fleet.agents.filter((a) => a.acked !== null);
      const host = reported[turn % Math.max(1, reported.length)];
      const path =
        turn % 3 === 0
          ? '/api/containers/hosts'
          : turn % 3 === 1 || !host
            ? '/api/agents/docker/hosts'
            : `/api/agents/docker/hosts/${host.hostId}/containers`;
      const reply = await this.tally.track(path, () =>
        call(this.baseUrl, 'GET', path, { token: this.token }),
      );
      if (!reply) {
        await sleep(100); // the server is gone; do not spin
      }
    }
  }
}
