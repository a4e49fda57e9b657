/** A host is stale when the server has not heard from it for longer than the threshold. */
export function isStale(receivedAt: Date, now: Date, staleAfterMs: number): boolean {
  return now.getTime() - receivedAt.getTime() > staleAfterMs;
}
