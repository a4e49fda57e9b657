/** How long the object URL of a download lives: long enough for the browser to start saving. */
const REVOKE_AFTER_MS = 10_000;

/** Saves `text` as `<baseName>-<yyyyMMdd-HHmmss>.log` (local time) through a temporary link. */
export function downloadLog(document: Document, baseName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${baseName}-${fileStamp(new Date())}.log`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/** `20261207-100000` in local time: sorts by time, safe in any file name. */
export function fileStamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}
