/**
 * Gathers calls made in the same turn of the event loop into one call of `run` with all their inputs,
 * so N concurrent requests cost one round trip to the database instead of N. With `serial`, one group
 * runs at a time and calls arriving meanwhile form the next group (group commit for writes).
 */
export class Coalescer<Input, Output> {
  private waiting: { input: Input; resolve(output: Output): void; reject(error: unknown): void }[] = [];
  private scheduled = false;
  private running = false;

  constructor(
    private readonly run: (inputs: Input[]) => Promise<Output[]>,
    private readonly options: { serial?: boolean } = {},
  ) {}

  load(input: Input): Promise<Output> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || (this.options.serial && this.running)) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const group = this.waiting;
    this.waiting = [];
    if (!group.length) return;
    this.running = true;
    try {
      const outputs = await this.run(group.map((entry) => entry.input));
      for (const [index, entry] of group.entries()) entry.resolve(outputs[index] as Output);
    } catch (error) {
      for (const entry of group) entry.reject(error);
    } finally {
      this.running = false;
      if (this.waiting.length) this.schedule();
    }
  }
}
