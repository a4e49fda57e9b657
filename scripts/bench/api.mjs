// Baseline figures of the API itself: public, authenticated and admin reads.
import { adminToken, measure, rssMb, startApi } from './harness.mjs';

export async function benchApi() {
  console.log('API (SQLite, concurrency 32, 5 s each)');
  const api = await startApi();
  try {
    const headers = { authorization: `Bearer ${await adminToken(api.url)}` };
    await measure('GET /api/health (public, DB ping)', { url: `${api.url}/api/health` });
    await measure('GET /api/auth/me (JWT + user lookup)', {
      url: `${api.url}/api/auth/me`,
      headers,
    });
    await measure('GET /api/audit (admin, paged)', { url: `${api.url}/api/audit`, headers });
    console.log(`  API RSS after load: ${rssMb(api.pid).toFixed(1)} MB`);
  } finally {
    await api.stop();
  }
}
