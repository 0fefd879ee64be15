import type { Clock } from "./clock.ts";

/** A clock that only moves when told to; sleeping moves it, so rate-limit waits take no real time. */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }

  /** Records how long callers asked to wait, so tests can assert on backoff. */
  readonly sleeps: number[] = [];

  async sleep(milliseconds: number): Promise<void> {
    this.sleeps.push(milliseconds);
    this.current += milliseconds;
  }
}
