import { LogCollector, type LogCollectorOptions } from './log-collector';

const options: LogCollectorOptions = {
  multiplexed: true,
  timestamps: true,
  maxLines: 100,
  maxBytes: 10_000,
  maxLineLength: 1000,
};

function frame(type: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collect(chunks: Buffer[], overrides: Partial<LogCollectorOptions> = {}) {
  const collector = new LogCollector({ ...options, ...overrides });
  chunks.forEach((chunk) => collector.push(chunk));
  return collector.finish();
}

const T1 = '2026-06-20T19:30:00.123456789Z';
const T2 = '2026-06-20T19:30:01.000000001Z';

describe('LogCollector', () => {
  it('demultiplexes stdout and stderr and parses timestamps', () => {
    const logs = collect([frame(1, `${T1} hello\n`), frame(2, `${T2} oops\n`)]);
    expect(logs).toEqual({
      lines: [
        { stream: 'stdout', timestamp: T1, text: 'hello' },
        { stream: 'stderr', timestamp: T2, text: 'oops' },
      ],
      truncated: false,
    });
  });

  it('reassembles frames split across chunks, byte by byte', () => {
    const bytes = Buffer.concat([frame(1, `${T1} one\n`), frame(1, `${T1} twø\n`)]);
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    expect(collect(chunks).lines.map((l) => l.text)).toEqual(['one', 'twø']);
  });

  it('keeps a multi-byte character split across two frames intact', () => {
    const euro = Buffer.from('€');
    const logs = collect([
      frame(1, Buffer.concat([Buffer.from(`${T1} price `), euro.subarray(0, 1)])),
      frame(1, Buffer.concat([euro.subarray(1), Buffer.from('5\n')])),
    ]);
    expect(logs.lines).toEqual([{ stream: 'stdout', timestamp: T1, text: 'price €5' }]);
  });

  it('reads a TTY container as raw stdout and drops the carriage returns', () => {
    const logs = collect([Buffer.from(`${T1} a\r\n${T2} b\r\n`)], { multiplexed: false });
    expect(logs.lines).toEqual([
      { stream: 'stdout', timestamp: T1, text: 'a' },
      { stream: 'stdout', timestamp: T2, text: 'b' },
    ]);
  });

  it('keeps text as is without timestamps, including a last line without newline', () => {
    const logs = collect([frame(1, 'plain\nlast')], { timestamps: false });
    expect(logs.lines.map((l) => [l.timestamp, l.text])).toEqual([
      [null, 'plain'],
      [null, 'last'],
    ]);
  });

  it('keeps the newest lines within the byte bound and says it truncated', () => {
    const chunks = Array.from({ length: 50 }, (_, i) =>
      frame(1, `${T1} ${`line ${i} `.padEnd(100, 'x')}\n`),
    );
    const logs = collect(chunks, { maxBytes: 1000 });
    expect(logs.truncated).toBe(true);
    expect(logs.lines.length).toBeLessThanOrEqual(10);
    expect(logs.lines.at(-1)?.text).toMatch(/^line 49 /);
  });

  it('cuts an overlong line and says so', () => {
    const logs = collect([frame(1, `${T1} ${'y'.repeat(50)}\n`)], { maxLineLength: 10 });
    expect(logs).toEqual({
      lines: [{ stream: 'stdout', timestamp: T1, text: 'y'.repeat(10) }],
      truncated: true,
    });
  });

  it('reports a frame cut short by the end of the stream', () => {
    const whole = frame(1, `${T1} complete\n`);
    const cut = frame(1, `${T1} never finished\n`).subarray(0, 12);
    const logs = collect([whole, cut]);
    expect(logs.lines.map((l) => l.text)).toEqual(['complete']);
    expect(logs.truncated).toBe(true);
  });

  it('falls back to raw text when the stream has no frame headers after all', () => {
    const logs = collect([Buffer.from(`${T1} tty output\n`)]);
    expect(logs.lines).toEqual([{ stream: 'stdout', timestamp: T1, text: 'tty output' }]);
  });
});
