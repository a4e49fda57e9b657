// Compiled API sources import '@archnest/contracts'; map it to its compiled folder, as the
// TypeScript paths do for the sources. Imported first by write-schema.ts.
import { join } from 'node:path';
import { register } from 'tsconfig-paths';

register({
  baseUrl: join(__dirname, '../../..'),
  paths: { '@archnest/contracts': ['libs/contracts/src/index'] },
});
