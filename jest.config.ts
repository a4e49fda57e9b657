import type { Config } from 'jest';

/** Unit specs: pure logic next to the code, no infrastructure. */
const config: Config = {
  projects: [
    {
      displayName: 'unit',
      preset: 'ts-jest',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/apps/api/src', '<rootDir>/libs', '<rootDir>/agent'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper: { '^@archnest/contracts$': '<rootDir>/libs/contracts/src/index.ts' },
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
    },
  ],
};

export default config;
