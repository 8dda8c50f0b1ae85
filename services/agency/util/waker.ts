// Small timing helpers for the service loops: a sleep that a wake() cuts short, and backoff delays.

/** A sleep that ends early when woken. A wake that comes while nobody sleeps is kept for the next sleep. */
export class Waker {
  private waiters: (() => void)[] = [];
  private woken = false;

  wake(): void {
    this.woken = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      }, ms);
      this.waiters.push(done);
    });
  }
}

/** Exponential backoff with jitter: base·2^attempt, at most max. */
export function backoffMs(attempt: number, base = 250, max = 10_000): number {
  const d = Math.min(max, base * 2 ** Math.min(attempt, 20));
  return Math.round(d * (0.75 + Math.random() * 0.5));
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
