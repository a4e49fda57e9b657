// The container's HEALTHCHECK (Dockerfile): exits 0 when GET /api/health answers 200, 1 otherwise
// (not listening, database unreachable, or no answer within 2 s). Needs node only, no curl.
// Usage: node scripts/healthcheck.mjs   (reads PORT, default 4000, and HOST)
const port = process.env.PORT || '4000';
const listen = process.env.HOST || '0.0.0.0';
const host = listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/api/health`;

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  process.exit(response.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
