/** Releases a slot; calling it more than once has no effect. */
export type Release = () => void;

/** At most `max` holders at a time; the rest wait in order, each for a bounded time. */
export class Semaphore {
  private held = 0;
  private readonly waiting: Array<(release: Release) => void> = [];

  constructor(private readonly max: number) {}

  get active(): number {
    return this.held;
  }

  /** A slot now, or null when all are taken. */
  tryAcquire(): Release | null {
    if (this.held >= this.max) {
      return null;
    }
    this.held += 1;
    return this.releaser();
  }

  /** A slot, waiting up to `timeoutMs` for one; rejects after that. */
  acquire(timeoutMs: number): Promise<Release> {
    const now = this.tryAcquire();
    if (now) {
      return Promise.resolve(now);
    }
    return new Promise((resolve, reject) => {
      const grant = (release: Release): void => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(new Error(`no free slot within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.push(grant);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const next = this.waiting.shift();
      if (next) {
        next(this.releaser());
      } else {
        this.held -= 1;
      }
    };
  }
}
