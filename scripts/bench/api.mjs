// Baseline figures of the API itself: public, authenticated and admin reads, and how the
// authenticated read compares with the public one in the same run (docs/auth-performance.md).
import { adminToken, apiCall, measure, rssMb, startApi } from './harness.mjs';

/** The same authenticated GET with each kind of credential the API accepts. */
const CREDENTIALS = [
  { name: 'JWT', ratio: 'me/health', bearer: (_url, token) => token },
  {
    name: 'API key',
    ratio: 'me(key)/health',
    bearer: async (url, token) =>
      (await apiCall(url, token, 'POST', '/api/auth/api-keys', { name: 'bench' })).key,
  },
];

export async function benchApi() {
  console.log('API (SQLite, concurrency 32, 5 s each)');
  const api = await startApi();
  try {
    const token = await adminToken(api.url);
    const headers = { authorization: `Bearer ${token}` };
    const health = await measure('GET /api/health (public, DB ping)', {
      url: `${api.url}/api/health`,
    });
    const ratios = [];
    for (const credential of CREDENTIALS) {
      const bearer = await credential.bearer(api.url, token);
      const me = await measure(`GET /api/auth/me (${credential.name} + user lookup)`, {
        url: `${api.url}/api/auth/me`,
        headers: { authorization: `Bearer ${bearer}` },
      });
      ratios.push(`${credential.ratio} ${(me.rate / health.rate).toFixed(2)}x`);
    }
    await measure('GET /api/audit (admin, paged)', { url: `${api.url}/api/audit`, headers });
    console.log(`  auth: ${ratios.join(', ')} (target ≥ 0.5x)`);
    console.log(`  API RSS after load: ${rssMb(api.pid).toFixed(1)} MB`);
  } finally {
    await api.stop();
  }
}
