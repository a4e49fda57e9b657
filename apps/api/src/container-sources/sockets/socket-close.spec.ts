import { closeReason } from './socket-close';

describe('closeReason', () => {
  it('keeps a short reason and cuts a long one to 123 bytes, never mid-character', () => {
    expect(closeReason('No such container')).toBe('No such container');
    const cut = closeReason(`Host ${'é'.repeat(200)} is unreachable`);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(123);
    expect(cut).toMatch(/^Host é+$/);
  });
});
