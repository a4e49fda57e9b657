import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('hands out at most max slots and passes a released slot to the next waiter', async () => {
    const semaphore = new Semaphore(2);
    const first = semaphore.tryAcquire();
    const second = await semaphore.acquire(1_000);
    expect(semaphore.tryAcquire()).toBeNull();
    const third = semaphore.acquire(1_000);
    first?.();
    first?.(); // a second release is ignored
    await expect(third).resolves.toEqual(expect.any(Function));
    expect(semaphore.active).toBe(2);
    second();
    (await third)();
    expect(semaphore.active).toBe(0);
  });

  it('gives up on a waiter after its timeout', async () => {
    const semaphore = new Semaphore(1);
    semaphore.tryAcquire();
    await expect(semaphore.acquire(20)).rejects.toThrow(/no free slot/);
    expect(semaphore.active).toBe(1);
  });
});
