// Live logs (part `logs`): one container on the test harness's private dockerd writes 10,000
// lines/s (a busybox sh loop, paced by $EPOCHREALTIME: each round prints the lines due so far,
// then sleeps 2 ms; every line carries its sequence number and write time in ms). It is followed
// for a fixed window through the API's WebSocket /api/containers/logs/follow (docker-tcp source,
// tail 0) and, one after the other on the same engine, with `docker logs -f`; lines per second of
// each are counted. Target: API / docker >= 0.5 (docs/logs-protocol.md).
// The delay is frame receive time - the line's engine timestamp `t` (when dockerd took the line
// in); the delay from the write time embedded in the line is printed beside it. Then a client that
// reads ~10 % of the lines (its socket paused and resumed to a budget) for 15 s while the API
// process's RSS is sampled: idle RSS, the maximum under the slow reader, and the `dropped` count.
// The `dropped` frame sits behind what the kernel and the server's 1 MiB already hold (~5 MB, 13 s
// of reading at 10 %), so it is counted after the window, once the client has read that backlog.
// The rise of RSS under the slow reader is mostly garbage in V8's old space (queued lines live
// long enough to be promoted): over 60 s the heap climbed to ~150 MB, then a full GC took it back.
//
// Needs what the integration tests need (root, dockerd, busybox-static): it starts the test
// harness (apps/api/test/harness) for the run and tears it down after. Without root, or while an
// integration run owns the harness, it prints why and skips.
import { spawn } from 'node:child_process';
import WebSocket from 'ws';
import { adminToken, apiCall, rssMb, startApi, withTestInfra } from './harness.mjs';

const RATE = 10_000;
const WINDOW_MS = 10_000;
const SLOW_MS = 15_000;
const SLOW_SHARE = 0.1;
const TARGET = 0.5;
const CONTAINER = 'bench-logs';
/** A log line of a plausible size (~110 bytes) after the sequence number and the write time. */
const PAYLOAD = 'GET /api/items?page=3 200 1834b 0.8ms ua=bench-writer/1.0 req=5f2c9a1e';

/**
 * The writer, in busybox sh: every round prints the lines due at RATE since the start (so the
 * average holds whatever the rounds cost), each `seq=<n> w=<ms since the epoch> <payload>`.
 */
const WRITER = [
  't=${EPOCHREALTIME/./}; start=$t; n=0',
  'while :; do',
  `  due=$(( (t - start) * ${RATE} / 1000000 )); ms=$((t / 1000))`,
  `  while [ $n -lt $due ]; do echo "seq=$n w=$ms ${PAYLOAD}"; n=$((n + 1)); done`,
  '  usleep 2000',
  '  t=${EPOCHREALTIME/./}',
  'done',
].join('\n');

const nowMs = () => performance.timeOrigin + performance.now();

/** An RFC 3339 time with up to nanoseconds (Docker trims trailing zeros) in ms, fraction kept. */
function timeMs(t) {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(t);
  if (!match) {
    return NaN;
  }
  return Date.parse(`${match[1]}Z`) + Number(`0.${match[2] ?? '0'}`) * 1000;
}

function parseLine(text) {
  const match = /^seq=(\d+) w=(\d+)/.exec(text);
  return match ? { seq: Number(match[1]), w: Number(match[2]) } : null;
}

const percentile = (sorted, p) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/**
 * Counts what one follow delivers in a window that opens with its first line: lines, sequence
 * range (so lost lines show), the writer's rate over engine time, and delays.
 */
function windowCounter() {
  const state = {
    openedAt: 0,
    lines: 0,
    firstSeq: -1,
    lastSeq: -1,
    firstT: 0,
    lastT: 0,
    delaysT: [],
    delaysW: [],
    done: false,
  };
  return {
    state,
    /** One line received at `at`; false once the window is over. */
    add(text, t, at) {
      if (state.done) {
        return false;
      }
      if (state.openedAt === 0) {
        state.openedAt = at;
      }
      if (at - state.openedAt > WINDOW_MS) {
        state.done = true;
        return false;
      }
      const parsed = parseLine(text);
      if (!parsed) {
        return true;
      }
      const engineMs = timeMs(t);
      state.lines += 1;
      if (state.firstSeq < 0) {
        [state.firstSeq, state.firstT] = [parsed.seq, engineMs];
      }
      [state.lastSeq, state.lastT] = [parsed.seq, engineMs];
      state.delaysT.push(at - engineMs);
      state.delaysW.push(at - parsed.w);
      return true;
    },
    summary() {
      const expected = state.lastSeq - state.firstSeq + 1;
      const sortedT = [...state.delaysT].sort((a, b) => a - b);
      const sortedW = [...state.delaysW].sort((a, b) => a - b);
      return {
        rate: state.lines / (WINDOW_MS / 1000),
        writerRate: (state.lastSeq - state.firstSeq) / ((state.lastT - state.firstT) / 1000),
        lost: Math.max(0, expected - state.lines),
        p50T: percentile(sortedT, 0.5),
        p95T: percentile(sortedT, 0.95),
        p50W: percentile(sortedW, 0.5),
        p95W: percentile(sortedW, 0.95),
      };
    },
  };
}

/** Opens a follow of CONTAINER through the API; resolves once `ready` arrived. */
function followViaApi(base, token, hostId, onMessage) {
  const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/api/containers/logs/follow`);
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      socket.send(
        JSON.stringify({
          type: 'start',
          token,
          source: 'docker-tcp',
          hostId,
          container: CONTAINER,
          tail: 0,
        }),
      ),
    );
    socket.once('error', reject);
    socket.once('close', (code, reason) =>
      reject(new Error(`the follow closed before ready: ${code} ${reason}`)),
    );
    socket.on('message', (data) => {
      const at = nowMs();
      const message = JSON.parse(data.toString('utf8'));
      if (message.type === 'ready') {
        resolve(socket);
      } else if (message.type === 'error') {
        reject(new Error(`the API refused the follow: ${message.message}`));
      }
      onMessage(message, at);
    });
  });
}

const closeSocket = (socket) =>
  new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) {
      resolve();
      return;
    }
    socket.once('close', resolve);
    socket.close(1000);
    setTimeout(() => socket.terminate(), 2_000).unref();
  });

async function apiWindow(base, token, hostId, apiPid) {
  const counter = windowCounter();
  const rss = [];
  let finished;
  const over = new Promise((resolve) => (finished = resolve));
  const socket = await followViaApi(base, token, hostId, (message, at) => {
    if (message.type === 'lines') {
      for (const line of message.lines) {
        if (!counter.add(line.text, line.t, at)) {
          finished();
          return;
        }
      }
    } else if (message.type === 'dropped') {
      counter.state.dropped = (counter.state.dropped ?? 0) + message.count;
    }
  });
  const sampler = setInterval(() => rss.push(rssMb(apiPid)), 250);
  const timeout = setTimeout(finished, WINDOW_MS + 5_000);
  await over;
  clearTimeout(timeout);
  clearInterval(sampler);
  await closeSocket(socket);
  return { ...counter.summary(), dropped: counter.state.dropped ?? 0, maxRss: Math.max(...rss) };
}

/** The docker CLI on the private engine only (as the harness's cliEnv). */
function dockerEnv(docker) {
  const env = { ...process.env, DOCKER_CONFIG: docker.cliConfigDir };
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  return env;
}

async function dockerWindow(docker) {
  const counter = windowCounter();
  const args = ['-H', docker.dockerHost, 'logs', '-f', '--timestamps', '--tail', '0', CONTAINER];
  const child = spawn('docker', args, {
    env: dockerEnv(docker),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let finished;
  const over = new Promise((resolve) => (finished = resolve));
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const at = nowMs();
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      const space = line.indexOf(' ');
      if (!counter.add(line.slice(space + 1), line.slice(0, space), at)) {
        finished();
        return;
      }
    }
  });
  child.once('exit', finished);
  const timeout = setTimeout(finished, WINDOW_MS + 5_000);
  await over;
  clearTimeout(timeout);
  if (child.exitCode === null) {
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
  return counter.summary();
}

/**
 * A client that reads SLOW_SHARE of the writer's rate: its socket is paused whenever it has read
 * more than its budget so far and resumed once under it again. Samples the API's RSS meanwhile;
 * after the window it reads at full speed for a moment so the `dropped` frames waiting behind the
 * backlog arrive too.
 */
async function slowReader(base, token, hostId, apiPid, writerRate) {
  const budgetPerMs = (writerRate * SLOW_SHARE) / 1000;
  const seen = { lines: 0, dropped: 0, firstSeq: -1, lastSeq: -1 };
  let startedAt = 0;
  let draining = false;
  const overBudget = () =>
    !draining && startedAt > 0 && seen.lines > (nowMs() - startedAt) * budgetPerMs;
  const socket = await followViaApi(base, token, hostId, (message) => {
    if (message.type === 'lines') {
      seen.lines += message.lines.length;
      if (overBudget() && !socket.isPaused) {
        socket.pause(); // at once: what the socket already read still comes out meanwhile
      }
      for (const line of message.lines) {
        const parsed = parseLine(line.text);
        if (parsed) {
          seen.firstSeq = seen.firstSeq < 0 ? parsed.seq : seen.firstSeq;
          seen.lastSeq = parsed.seq;
          seen.lastW = parsed.w;
        }
      }
    } else if (message.type === 'dropped') {
      seen.dropped += message.count;
    }
  });
  startedAt = nowMs();
  const rss = [];
  const pacer = setInterval(() => {
    if (overBudget() && !socket.isPaused) {
      socket.pause();
    } else if (!overBudget() && socket.isPaused) {
      socket.resume();
    }
  }, 10);
  const sampler = setInterval(() => rss.push(rssMb(apiPid)), 250);
  await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
  clearInterval(pacer);
  clearInterval(sampler);
  const during = { lines: seen.lines, dropped: seen.dropped, lagMs: nowMs() - seen.lastW };
  draining = true;
  socket.resume();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await closeSocket(socket);
  return {
    readRate: during.lines / (SLOW_MS / 1000),
    droppedDuring: during.dropped,
    lagMs: during.lagMs,
    dropped: seen.dropped,
    lost: seen.lastSeq - seen.firstSeq + 1 - seen.lines,
    maxRss: Math.max(...rss),
    /** The maximum in each third of the window: flat once the queue is full, or growing. */
    thirds: [0, 1, 2].map((i) =>
      Math.max(...rss.slice((i * rss.length) / 3, ((i + 1) * rss.length) / 3)),
    ),
  };
}

const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

async function compare(infra, harness) {
  await harness.runDocker([
    'run',
    '-d',
    '--name',
    CONTAINER,
    infra.docker.image,
    'sh',
    '-c',
    WRITER,
  ]);
  const api = await startApi();
  try {
    const token = await adminToken(api.url);
    const host = await apiCall(api.url, token, 'POST', '/api/docker/hosts', {
      name: 'bench',
      url: `unix://${infra.docker.socketPath}`,
    });
    const engine = await apiCall(api.url, token, 'POST', `/api/docker/hosts/${host.id}/test`);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // the writer is under way
    const idleStart = rssMb(api.pid);
    const viaApi = await apiWindow(api.url, token, host.id, api.pid);
    const viaDocker = await dockerWindow(infra.docker);
    console.log(
      `  writer (busybox sh, paced to ${RATE} lines/s): ${fmt(viaDocker.writerRate)} lines/s` +
        ` in the docker window, ${fmt(viaApi.writerRate)} in the API window` +
        ` (sequence numbers over engine time); dockerd ${engine.version}`,
    );
    const row = (title, r) =>
      console.log(
        `  ${title.padEnd(38)} ${fmt(r.rate).padStart(6)} lines/s, lost ${r.lost},` +
          ` delay from engine t p50 ${fmt(r.p50T, 1)} / p95 ${fmt(r.p95T, 1)} ms,` +
          ` from write time p50 ${fmt(r.p50W, 1)} / p95 ${fmt(r.p95W, 1)} ms`,
      );
    row(`docker logs -f, ${WINDOW_MS / 1000} s`, viaDocker);
    row(`API WebSocket, tail 0, ${WINDOW_MS / 1000} s`, viaApi);
    const ratio = viaApi.rate / viaDocker.rate;
    console.log(`  ratio API / docker logs -f: ${ratio.toFixed(2)} (lines per second)`);
    console.log(
      `  API follow at full speed: dropped ${viaApi.dropped}, max RSS ${fmt(viaApi.maxRss, 1)} MB`,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idle = rssMb(api.pid);
    const slow = await slowReader(api.url, token, host.id, api.pid, viaDocker.writerRate);
    console.log(
      `  slow reader, ${SLOW_MS / 1000} s at ~${SLOW_SHARE * 100} %: read ${fmt(slow.readRate)}` +
        ` lines/s, the last one written ${fmt(slow.lagMs / 1000, 1)} s before the window's end;` +
        ` dropped ${slow.droppedDuring} reported during the window, ${slow.dropped}` +
        ` after reading the backlog (lines missing by sequence: ${slow.lost})`,
    );
    console.log(
      `  API RSS: idle ${fmt(idleStart, 1)} MB at start, ${fmt(idle, 1)} MB before the slow` +
        ` reader; max ${fmt(slow.maxRss, 1)} MB under it (by thirds of the window:` +
        ` ${slow.thirds.map((mb) => fmt(mb, 1)).join(' / ')} MB)`,
    );
    console.log(`  target: api/docker >= ${TARGET} (delay = frame receive time - engine t)`);
    console.log(
      `logs: api/docker ${ratio.toFixed(2)}, p95 delay ${fmt(viaApi.p95T)} ms,` +
        ` rss slow reader ${fmt(slow.maxRss)} MB (idle ${fmt(idle)} MB), dropped ${slow.dropped}`,
    );
  } finally {
    await api.stop();
    await harness.runDocker(['rm', '-f', CONTAINER]).catch(() => undefined);
  }
}

export async function benchLogs() {
  console.log(
    `Live logs: a container writing ${RATE} lines/s, API WebSocket vs docker logs -f (same engine)`,
  );
  await withTestInfra('dockerd', compare);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchLogs();
}
