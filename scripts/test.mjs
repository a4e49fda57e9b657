// The one test command (npm test): unit specs, console specs, then the integration, smoke and
// e2e suites against real dockerd/sshd/PostgreSQL/Chromium. Prints one totals line at the end:
//   Tests: N passed, N failed[, N skipped]
// and exits non-zero when anything failed or no test ran. Needs root (see docs/testing.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}.test-output`;

const suites = [
  {
    name: 'unit',
    report: `${out}/unit.json`,
    command: ['npx', 'jest', '--json', `--outputFile=${out}/unit.json`],
  },
  {
    name: 'web',
    report: `${out}/web.json`,
    command: ['npx', 'ng', 'test', 'web', '--watch=false'],
  },
  {
    name: 'integration',
    report: `${out}/integration.json`,
    command: [
      'npx',
      'jest',
      '-c',
      'jest.integration.config.ts',
      '--json',
      `--outputFile=${out}/integration.json`,
    ],
  },
];

function ensureBuilt() {
  if (
    !existsSync(`${root}dist/apps/api/main.js`) ||
    !existsSync(`${root}dist/apps/web/browser/index.html`)
  ) {
    run(['npm', 'run', 'build']);
  }
}

function run([command, ...args]) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

function readTotals(report) {
  if (!existsSync(report)) {
    return null;
  }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  return {
    passed: json.numPassedTests ?? 0,
    failed: json.numFailedTests ?? 0,
    skipped: (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0),
    brokenSuites: json.numRuntimeErrorTestSuites ?? 0,
  };
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
ensureBuilt();

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];
for (const suite of suites) {
  const status = run(suite.command);
  const result = readTotals(suite.report);
  if (!result) {
    problems.push(`${suite.name}: no report (exit ${status})`);
    continue;
  }
  totals.passed += result.passed;
  totals.failed += result.failed;
  totals.skipped += result.skipped;
  if (status !== 0) {
    problems.push(`${suite.name}: exit ${status}`);
  }
  if (result.brokenSuites > 0) {
    problems.push(`${suite.name}: ${result.brokenSuites} suite(s) failed to run`);
  }
}

for (const problem of problems) {
  console.error(`test: ${problem}`);
}
const ran = totals.passed + totals.failed;
if (ran === 0) {
  console.error('test: no test ran');
}
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(problems.length > 0 || totals.failed > 0 || ran === 0 ? 1 : 0);
