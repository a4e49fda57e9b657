// The minimal ingest with its JavaScript work on two threads: the main thread receives the body
// as text and stores the result; a worker thread parses, checks, masks and serialises it.
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { reportChecker, serveIngest, type StoredReport } from './report-work';

interface Job {
  id: number;
  text: string;
}

interface Done {
  id: number;
  report: StoredReport | null;
}

function parseAndCheck(check: (body: unknown) => StoredReport | null, text: string) {
  try {
    return check(JSON.parse(text));
  } catch {
    return null;
  }
}

if (isMainThread) {
  const worker = new Worker(__filename);
  const waiting = new Map<number, (report: StoredReport | null) => void>();
  let nextId = 0;
  worker.on('message', ({ id, report }: Done) => {
    waiting.get(id)?.(report);
    waiting.delete(id);
  });
  serveIngest(
    (body) =>
      new Promise((done) => {
        const id = nextId++;
        waiting.set(id, done);
        worker.postMessage({ id, text: String(body) } satisfies Job);
      }),
    { rawJson: true },
  );
} else {
  const check = reportChecker();
  parentPort!.on('message', ({ id, text }: Job) => {
    parentPort!.postMessage({ id, report: parseAndCheck(check, text) } satisfies Done);
  });
}
