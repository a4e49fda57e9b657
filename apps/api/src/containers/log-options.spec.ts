import { logOptions } from './containers.dto';

describe('logOptions', () => {
  const base = { tail: 10, timestamps: true };

  it('turns the window into dates', () => {
    expect(
      logOptions({ ...base, since: '2026-12-07T10:00:00Z', until: '2026-12-07T11:00:00Z' }),
    ).toEqual({
      ...base,
      since: new Date('2026-12-07T10:00:00Z'),
      until: new Date('2026-12-07T11:00:00Z'),
    });
  });

  it('refuses a time the calendar does not know, and a reversed window, naming the field', () => {
    expect(() => logOptions({ ...base, since: '2026-13-45T10:00:00Z' })).toThrow(
      'since must be an ISO 8601 time',
    );
    expect(() =>
      logOptions({ ...base, since: '2026-12-07T11:00:00Z', until: '2026-12-07T10:00:00Z' }),
    ).toThrow('until must be after since');
  });
});
