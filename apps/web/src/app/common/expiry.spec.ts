import { describe, expect, it } from 'vitest';
import { FormControl } from '@angular/forms';
import { dateInputValue, expiryOfDate, futureDateValidator } from './expiry';

describe('expiry', () => {
  it('sends the end of the picked day in local time, nothing for no date', () => {
    const iso = expiryOfDate('2031-03-09');
    const end = new Date(iso!);
    expect([end.getFullYear(), end.getMonth(), end.getDate()]).toEqual([2031, 2, 9]);
    expect([end.getHours(), end.getMinutes()]).toEqual([23, 59]);
    expect(expiryOfDate('')).toBeUndefined();
    expect(expiryOfDate('not a date')).toBeUndefined();
  });

  it('formats a day as the date input does', () => {
    expect(dateInputValue(new Date(2031, 0, 5, 12))).toBe('2031-01-05');
  });

  it('refuses a day already over and accepts today or later', () => {
    const now = new Date(2031, 2, 9, 15).getTime();
    const validate = futureDateValidator(() => now);
    expect(validate(new FormControl('2031-03-08'))).toEqual({ pastDate: true });
    expect(validate(new FormControl('2031-03-09'))).toBeNull();
    expect(validate(new FormControl(''))).toBeNull();
    expect(validate(new FormControl('garbage'))).toEqual({ pastDate: true });
  });
});
