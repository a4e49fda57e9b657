// The second reference of the ingest benchmark: the least an ingest must do with a report, on
// bare Fastify: the API's JSON Schema for reports checked by the same Ajv set-up (written by
// write-schema.ts), maskEnv, JSON for storage and one SQLite upsert per report. No Nest,
// class-validator, TypeORM, authentication, rate limiting or security headers are loaded.
// Built and prepared by the benchmark (`tsc -p scripts/bench/minimal-ingest`).
import { reportChecker, serveIngest } from './report-work';

const check = reportChecker();
serveIngest((body) => Promise.resolve(check(body)));
