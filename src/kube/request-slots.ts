// A bound on API requests in flight. A plan over hundreds of objects, or a report reading events for each,
// would otherwise send them all at once: the API server's priority and fairness throttles such bursts
// (429) and every request holds a connection. Waiting for a free slot costs little, since each request is short.

export class RequestSlots {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.inFlight < this.limit) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next request, so inFlight stays the same.
    if (next) next();
    else this.inFlight--;
  }
}
