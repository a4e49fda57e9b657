/** setupFiles entry of the integration-postgres project: the tests run against PostgreSQL. */
process.env.ARCHNEST_TEST_DB = 'postgres';

export {};
