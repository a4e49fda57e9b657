import type { ContainerState } from '@archnest/contracts';
import {
  type Condition,
  conditionsOf,
  type EvaluatedRule,
  inScope,
  OpenAlerts,
} from './conditions';
import { type HostMemory, nextMemory, STOP_CONFIRM_MS } from './host-memory';
import type { ObservedContainer, ObservedHost } from './observations';

const T0 = Date.parse('2026-12-07T10:00:00Z');

function container(
  name: string,
  state: ContainerState,
  extra: Partial<ObservedContainer> = {},
): ObservedContainer {
  return {
    id: `${name}-id`.padEnd(12, '0'),
    name,
    state,
    health: null,
    restartCount: null,
    startedAt: state === 'running' ? [T0 - 60_000, T0 - 59_000] : null,
    ...extra,
  };
}

function host(containers: ObservedContainer[] | null, downSince: Date | null = null): ObservedHost {
  return { source: 'docker-tcp', hostId: 'h1', name: 'edge-1', downSince, containers };
}

function rule(kind: EvaluatedRule['kind'], extra: Partial<EvaluatedRule> = {}): EvaluatedRule {
  return { id: 'r1', name: kind, kind, scope: null, threshold: null, forSeconds: 0, ...extra };
}

const notExpected = () => false;

/** Rounds of one host, the memory they leave, and the conditions at the last one. */
function rounds(
  observations: { at: number; containers: ObservedContainer[] | null; downSince?: Date }[],
  rules: EvaluatedRule[],
  expected: (name: string, at: number) => boolean = notExpected,
  open: Condition[] = [],
): { memory: HostMemory | undefined; conditions: Condition[] } {
  let memory: HostMemory | undefined;
  let conditions: Condition[] = [];
  for (const { at, containers, downSince } of observations) {
    const observed = host(containers, downSince ?? null);
    if (containers) {
      memory = nextMemory(memory, { ...observed, containers }, at, (_h, c) => expected(c.name, at));
    }
    const memories = new Map(memory ? [['docker-tcp\nh1', memory]] : []);
    conditions = conditionsOf(rules, [observed], memories, new Map(), at, new OpenAlerts(open));
  }
  return { memory, conditions };
}

describe('container-stopped', () => {
  const stopped = rule('container-stopped');

  it('fires for a container seen running, then exited, once the stop is confirmed', () => {
    const seen = [
      { at: T0, containers: [container('web', 'running')] },
      { at: T0 + 1_000, containers: [container('web', 'exited')] },
    ];
    expect(rounds(seen, [stopped]).conditions).toEqual([]);
    const later = [
      ...seen,
      { at: T0 + 1_000 + STOP_CONFIRM_MS, containers: [container('web', 'exited')] },
    ];
    const { conditions } = rounds(later, [stopped]);
    expect(conditions.map((c) => [c.container, c.message])).toEqual([
      ['web', 'web on edge-1 (docker-tcp) stopped: exited'],
    ]);
  });

  it('does not fire for a container already down when first seen, nor one ArchNest stopped', () => {
    const already = [
      { at: T0, containers: [container('web', 'exited')] },
      { at: T0 + 10_000, containers: [container('web', 'exited')] },
    ];
    expect(rounds(already, [stopped]).conditions).toEqual([]);
    const audited = [
      { at: T0, containers: [container('web', 'running')] },
      { at: T0 + 1_000, containers: [container('web', 'exited')] },
      { at: T0 + 10_000, containers: [container('web', 'exited')] },
    ];
    expect(rounds(audited, [stopped], (name) => name === 'web').conditions).toEqual([]);
  });

  it('fires for a container that crash-looped or was paused before it exited', () => {
    for (const between of ['restarting', 'paused'] as const) {
      const seen = [
        { at: T0, containers: [container('web', 'running')] },
        { at: T0 + 1_000, containers: [container('web', between)] },
        { at: T0 + 2_000, containers: [container('web', 'exited')] },
        { at: T0 + 6_000, containers: [container('web', 'exited')] },
      ];
      expect(rounds(seen, [stopped]).conditions).toHaveLength(1);
    }
  });

  it('checks the audit log again a round later, so an action audited late does not fire', () => {
    let audited = false;
    const seen = [
      { at: T0, containers: [container('web', 'running')] },
      { at: T0 + 1_000, containers: [container('web', 'exited')] },
    ];
    const first = rounds(seen, [stopped], () => audited);
    expect(first.memory?.stopped.web?.confirmed).toBe(false);
    audited = true; // the admin's stop was written after the round saw it
    const later = [...seen, { at: T0 + 11_000, containers: [container('web', 'exited')] }];
    const { conditions, memory } = rounds(later, [stopped], (name) => audited && name === 'web');
    expect(conditions).toEqual([]);
    expect(memory?.stopped).toEqual({});
  });

  it('waits forSeconds when a rule asks for it', () => {
    const patient = rule('container-stopped', { forSeconds: 60 });
    const seen = [
      { at: T0, containers: [container('web', 'running')] },
      { at: T0 + 1_000, containers: [container('web', 'exited')] },
      { at: T0 + 30_000, containers: [container('web', 'exited')] },
    ];
    expect(rounds(seen, [patient]).conditions).toEqual([]);
    const later = [...seen, { at: T0 + 61_000, containers: [container('web', 'exited')] }];
    expect(rounds(later, [patient]).conditions).toHaveLength(1);
  });

  it('forgets a removed container after a day, or when ArchNest removed it', () => {
    const removed = [
      { at: T0, containers: [container('job', 'running')] },
      { at: T0 + 1_000, containers: [] },
      { at: T0 + 5_000, containers: [] },
    ];
    expect(rounds(removed, [stopped]).conditions).toHaveLength(1);
    const dayLater = [...removed, { at: T0 + 86_402_000, containers: [] }];
    expect(rounds(dayLater, [stopped]).memory?.stopped).toEqual({});
    const byAdmin = [...removed, { at: T0 + 60_000, containers: [] }];
    const removedAt = (_name: string, at: number) => at >= T0 + 60_000;
    expect(rounds(byAdmin, [stopped], removedAt).memory?.stopped).toEqual({});
  });

  it('counts a removed container as stopped, and clears when it runs again', () => {
    const removed = [
      { at: T0, containers: [container('web', 'running')] },
      { at: T0 + 1_000, containers: [] },
      { at: T0 + 5_000, containers: [] },
    ];
    expect(rounds(removed, [stopped]).conditions.map((c) => c.message)).toEqual([
      'web on edge-1 (docker-tcp) stopped: removed',
    ]);
    const back = [...removed, { at: T0 + 6_000, containers: [container('web', 'running')] }];
    expect(rounds(back, [stopped]).conditions).toEqual([]);
  });
});

describe('restart-loop', () => {
  const loop = rule('restart-loop', { threshold: 3, forSeconds: 60 });

  it('counts starts that moved forward between rounds', () => {
    const started = (at: number) => container('api', 'running', { startedAt: [at - 1_000, at] });
    const seen = [0, 5_000, 10_000, 15_000].map((dt) => ({
      at: T0 + dt,
      containers: [started(T0 + dt)],
    }));
    const { conditions, memory } = rounds(seen, [loop]);
    expect(memory?.restarts.api).toHaveLength(3);
    expect(conditions.map((c) => c.message)).toEqual([
      'api on edge-1 (docker-tcp) restarted 3 times in 1 min',
    ]);
  });

  it('uses the restart count where the source gives one, and forgets restarts out of the window', () => {
    const counted = (n: number) => container('api', 'running', { restartCount: n });
    const seen = [
      { at: T0, containers: [counted(1)] },
      { at: T0 + 1_000, containers: [counted(4)] },
    ];
    expect(rounds(seen, [loop]).conditions).toHaveLength(1);
    const later = [...seen, { at: T0 + 62_000, containers: [counted(4)] }];
    expect(rounds(later, [loop]).conditions).toEqual([]);
  });

  it('does not count a container that keeps running', () => {
    const steady = [0, 5_000, 10_000, 15_000].map((dt) => ({
      at: T0 + dt,
      containers: [container('api', 'running')],
    }));
    expect(rounds(steady, [loop]).memory?.restarts).toEqual({});
  });
});

describe('container-unhealthy and host-offline', () => {
  it('fires unhealthy after forSeconds', () => {
    const sick = container('db', 'running', { health: 'unhealthy' });
    const unhealthy = rule('container-unhealthy', { forSeconds: 10 });
    expect(rounds([{ at: T0, containers: [sick] }], [unhealthy]).conditions).toEqual([]);
    const later = [
      { at: T0, containers: [sick] },
      { at: T0 + 10_000, containers: [sick] },
    ];
    expect(rounds(later, [unhealthy]).conditions.map((c) => c.message)).toEqual([
      'db on edge-1 (docker-tcp) is unhealthy',
    ]);
  });

  it('fires offline for a host down for forSeconds, and keeps container alerts open meanwhile', () => {
    const offline = rule('host-offline', { id: 'r2', forSeconds: 5 });
    const stopped = rule('container-stopped');
    const open: Condition[] = [
      {
        key: 'r1\ndocker-tcp\nh1\nweb',
        rule: stopped,
        source: 'docker-tcp',
        hostId: 'h1',
        hostName: 'edge-1',
        container: 'web',
        message: 'web stopped',
      },
    ];
    const down = new Date(T0);
    const seen = [
      { at: T0, containers: [container('web', 'exited')] },
      { at: T0 + 6_000, containers: null, downSince: down },
    ];
    const { conditions } = rounds(seen, [offline, stopped], notExpected, open);
    expect(conditions.map((c) => c.key).sort()).toEqual([
      'r1\ndocker-tcp\nh1\nweb',
      'r2\ndocker-tcp\nh1\n',
    ]);
  });
});

describe('cpu-above', () => {
  const cpu = rule('cpu-above', { threshold: 80, forSeconds: 60 });
  const memory = nextMemory(
    undefined,
    { ...host([]), containers: [container('web', 'running')] },
    T0,
    notExpected,
  );
  const memories = new Map([['docker-tcp\nh1', memory]]);
  const averagesOf = (value: number) =>
    new Map([[60, new Map([['docker-tcp\nh1', new Map([['web', { cpu: value, mem: null }]])]])]]);
  const observed = host([container('web', 'running')]);

  it('fires above the threshold and not at it', () => {
    const above = conditionsOf([cpu], [observed], memories, averagesOf(85), T0, new OpenAlerts([]));
    expect(above.map((c) => c.message)).toEqual([
      'web on edge-1 (docker-tcp): CPU 85.0 % on average over 1 min, above 80 %',
    ]);
    expect(
      conditionsOf([cpu], [observed], memories, averagesOf(80), T0, new OpenAlerts([])),
    ).toEqual([]);
  });

  it('keeps an open alert of a running container that has no samples in the window', () => {
    const [firing] = conditionsOf(
      [cpu],
      [observed],
      memories,
      averagesOf(85),
      T0,
      new OpenAlerts([]),
    );
    const kept = conditionsOf([cpu], [observed], memories, new Map(), T0, new OpenAlerts([firing]));
    expect(kept).toEqual([firing]);
    const gone = nextMemory(memory, { ...host([]), containers: [] }, T0 + 1_000, notExpected);
    const resolved = conditionsOf(
      [cpu],
      [host([])],
      new Map([['docker-tcp\nh1', gone]]),
      new Map(),
      T0 + 1_000,
      new OpenAlerts([firing]),
    );
    expect(resolved).toEqual([]);
  });
});

describe('inScope', () => {
  it('combines source, host and a container glob', () => {
    const h = { source: 'docker-tcp' as const, hostId: 'h1' };
    expect(inScope(null, h, 'web')).toBe(true);
    expect(inScope({ source: 'agent' }, h)).toBe(false);
    expect(inScope({ hostId: 'h1', container: 'web-*' }, h, 'web-1')).toBe(true);
    expect(inScope({ container: 'web-?' }, h, 'web-12')).toBe(false);
    expect(inScope({ container: 'a.b' }, h, 'aXb')).toBe(false);
  });
});
