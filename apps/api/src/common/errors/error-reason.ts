/** The readable reason of anything thrown, for audit details and log lines. */
export function errorReason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
