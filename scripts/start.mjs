// Builds whatever is missing (API bundle, console), then serves both on one port.
// Usage: npm start   (PORT, ARCHNEST_DATA_DIR, DATABASE_URL… as in the README)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const apiMain = `${root}dist/apps/api/main.js`;
const webIndex = `${root}dist/apps/web/browser/index.html`;

function build(script) {
  console.log(`archnest: building (npm run ${script}) …`);
  execFileSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
}

if (!existsSync(apiMain)) {
  build('build:api');
}
if (!existsSync(webIndex)) {
  build('build:web');
}
process.chdir(root);
createRequire(import.meta.url)(apiMain);
