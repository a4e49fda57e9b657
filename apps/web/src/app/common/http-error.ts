import { HttpErrorResponse } from '@angular/common/http';

/** The body the API sends with every error (`{statusCode, error, message}`). */
interface ApiErrorBody {
  statusCode: number;
  error?: string;
  message: string | string[];
}

function isApiErrorBody(body: unknown): body is ApiErrorBody {
  return typeof body === 'object' && body !== null && 'message' in body;
}

/** Turns any failure into one sentence an operator can read. */
export function describeError(error: unknown): string {
  if (!(error instanceof HttpErrorResponse)) {
    return error instanceof Error ? error.message : 'Something went wrong.';
  }
  if (error.status === 0) {
    return 'Cannot reach the server. Check that it is running and try again.';
  }
  if (error.status === 429) {
    return 'Too many attempts, wait a minute.';
  }
  if (isApiErrorBody(error.error)) {
    const { message } = error.error;
    const text = Array.isArray(message) ? message.join('; ') : message;
    if (text) {
      return text;
    }
  }
  return `The server answered ${error.status} ${error.statusText}`.trim() + '.';
}
