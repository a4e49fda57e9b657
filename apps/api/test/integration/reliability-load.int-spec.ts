/**
 * Load on the built API process over loopback (issue 7): 200 simulated agents, each with its own
 * host id and paced under the per-host ingest limit, post for 60 s while members read the lists.
 * No 5xx, no 429, no failed request; afterwards every host's stored report is exactly the last
 * one the server acknowledged to its agent (nothing lost, nothing torn). Figures go to
 * .test-output/reliability-figures.json. ARCHNEST_LOAD_SECONDS shortens the run locally.
 */
import { AgentFleet } from '../support/agent-fleet';
import { seedUsersOver, startApiUnderTest, type ApiUnderTest } from '../support/agent-load';
import { checkLatest, recordFigures } from '../support/load-check';
import { Readers } from '../support/load-readers';

const AGENTS = 200;
const READERS = 8;
const SECONDS = Number(process.env.ARCHNEST_LOAD_SECONDS ?? 60);

describe('reliability: 200 agents posting while members read', () => {
  let server: ApiUnderTest;

  beforeAll(async () => {
    server = await startApiUnderTest();
  });
  afterAll(() => server?.close());

  it(
    `loses no report and answers no 5xx over ${SECONDS} s`,
    async () => {
      const { baseUrl } = server.api;
      const { member } = await seedUsersOver(baseUrl);
      const fleet = new AgentFleet(baseUrl, AGENTS, 'load-host');
      const readers = new Readers(baseUrl, member, READERS, fleet);

      const started = Date.now();
      fleet.start();
      readers.start();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      await Promise.all([fleet.stop(), readers.stop()]);
      const seconds = (Date.now() - started) / 1000;

      const posts = fleet.tally.outcomes;
      const reads = readers.tally.outcomes;
      const accepted = posts.filter((o) => o.status === 200).length;
      const latest = await checkLatest(baseUrl, member, fleet.agents);
      recordFigures('load', {
        agents: AGENTS,
        readers: READERS,
        seconds: Math.round(seconds),
        reports: posts.length,
        reportsAccepted: accepted,
        reportsPerSecond: Math.round(accepted / seconds),
        reads: reads.length,
        readsPerSecond: Math.round(reads.length / seconds),
        reportOutcomes: fleet.tally.summary(),
        readOutcomes: readers.tally.summary(),
        server5xx: [...posts, ...reads].filter((o) => (o.status ?? 0) >= 500).length,
        hostsChecked: latest.hosts,
        reportsLost: latest.lost.length,
        reportsTorn: latest.torn.length,
      });

      // Every request answered, and answered 200: no 5xx, no 429 (agents stay under the limit),
      // no connection failure or request left hanging.
      expect(fleet.tally.summary()).toEqual({ '200': posts.length });
      expect(readers.tally.summary()).toEqual({ '200': reads.length });
      expect(reads.length).toBeGreaterThan(READERS);
      // Every agent got reports accepted all along, and the server kept the last one of each.
      expect(fleet.agents.filter((a) => a.acked === null)).toEqual([]);
      expect(latest).toEqual({ hosts: AGENTS, lost: [], torn: [] });
    },
    (SECONDS + 90) * 1000,
  );
});
