// The shape every background part of the service shares (listener, webhook delivery, checkpoint signer,
// deadline scheduler): start once, run until stopped, sleep between rounds unless woken, and let stop()
// wait for the round in progress so that nothing is cut off half-written.
import { Waker } from "./waker";

export abstract class ServiceLoop {
  protected readonly waker = new Waker();
  protected running = false;
  private loop?: Promise<void>;

  /** One round now instead of after the sleep. */
  wake(): void {
    this.waker.wake();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.waker.wake();
    await this.loop;
  }

  /** Loops while `this.running`, sleeping with `this.waker.sleep(ms)` between rounds. */
  protected abstract run(): Promise<void>;
}
