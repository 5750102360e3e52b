// A process-wide budget of bytes held at once (message content between its fetch and its commit), so
// the inboxes that share a worker cannot together make it hold more than a set amount.

export class ByteBudget {
  private held = 0;
  private readonly waiting: { bytes: number; grant: () => void }[] = [];

  constructor(readonly capacity: number) {}

  /** Bytes held now. */
  get inUse(): number {
    return this.held;
  }

  /** Takes `bytes` if they fit now (and nobody is waiting); never waits. */
  tryTake(bytes: number): boolean {
    if (this.waiting.length > 0 || !this.fits(bytes)) return false;
    this.held += bytes;
    return true;
  }

  /**
   * Waits (first come, first served) until `bytes` fit, then takes them. A request bigger than the
   * whole budget is granted once nothing else is held, so it runs alone rather than never.
   */
  take(bytes: number): Promise<void> {
    if (this.tryTake(bytes)) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ bytes, grant: resolve }));
  }

  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const next = this.waiting.shift()!;
      this.held += next.bytes;
      next.grant();
    }
  }

  private fits(bytes: number): boolean {
    return this.held === 0 || this.held + bytes <= this.capacity;
  }
}
