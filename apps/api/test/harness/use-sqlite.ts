/** setupFiles entry of the integration-sqlite project: the tests run against SQLite. */
process.env.ARCHNEST_TEST_DB = 'sqlite';

export {};
