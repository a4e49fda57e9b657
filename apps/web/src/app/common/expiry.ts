import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

/** `YYYY-MM-DD` of a day in local time, the format of `<input type="date">`. */
export function dateInputValue(day: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/**
 * The expiry sent for a date picked in `<input type="date">`: the end of that day, local time,
 * as ISO 8601; undefined when no date was picked (never expires).
 */
export function expiryOfDate(value: string): string | undefined {
  if (!value) {
    return undefined;
  }
  const end = new Date(`${value}T23:59:59.999`);
  return Number.isNaN(end.getTime()) ? undefined : end.toISOString();
}

/** Accepts an empty value or a day from today on; `{ pastDate: true }` otherwise. */
export function futureDateValidator(now: () => number = Date.now): ValidatorFn {
  return (control: AbstractControl<string>): ValidationErrors | null => {
    const expiry = expiryOfDate(control.value);
    if (!control.value) {
      return null;
    }
    return expiry && Date.parse(expiry) > now() ? null : { pastDate: true };
  };
}
