/**
 * Integration, smoke and e2e tests against real infrastructure (private dockerd, two sshd,
 * PostgreSQL) started once per run by apps/api/test/harness/global-setup.ts. Needs root.
 * See docs/testing.md. Example: npx jest -c jest.integration.config.ts --selectProjects smoke
 */
import type { Config } from 'jest';

type Project = Exclude<NonNullable<Config['projects']>[number], string>;

const harness = '<rootDir>/apps/api/test/harness';
const tsJest: [string, Record<string, unknown>] = [
  'ts-jest',
  { tsconfig: `${harness}/tsconfig.jest.json` },
];
/**
 * ESM-only packages the API loads (e.g. @fastify/static -> content-disposition 3). Node 20 can
 * require() them, jest's module system cannot (before Node 24.9): compile them to CommonJS.
 */
const esmOnly = ['content-disposition'];

function project(displayName: string, testMatch: string, setupFiles: string[] = []): Project {
  return {
    displayName,
    rootDir: __dirname,
    testEnvironment: 'node',
    testTimeout: 60_000,
    testMatch: [testMatch],
    setupFiles,
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: { '^@archnest/contracts$': '<rootDir>/libs/contracts/src/index.ts' },
    transform: { '^.+\\.ts$': tsJest, [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: tsJest },
    transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  };
}

const integration = '<rootDir>/apps/api/test/integration/**/*.int-spec.ts';

const config: Config = {
  rootDir: __dirname,
  globalSetup: `${harness}/global-setup.ts`,
  globalTeardown: `${harness}/global-teardown.ts`,
  // One engine, two sshd and one cluster are shared by every test file: run files one at a time.
  maxWorkers: 1,
  testTimeout: 60_000,
  projects: [
    project('integration-sqlite', integration, [`${harness}/use-sqlite.ts`]),
    project('integration-postgres', integration, [`${harness}/use-postgres.ts`]),
    project('smoke', '<rootDir>/apps/api/test/smoke/**/*.int-spec.ts'),
    project('e2e', '<rootDir>/apps/api/test/e2e/**/*.e2e-spec.ts'),
  ],
};

export default config;
