import type { Worker } from "node:worker_threads";

/** A message of a union without the `id` that WorkerCalls adds. */
export type WithoutId<Message> = Message extends unknown ? Omit<Message, "id"> : never;

/**
 * Calls into a worker thread (the PGlite thread, the chain thread), each answered by a reply that
 * carries its id. The thread keeps the process alive only while a call is waiting. Once it fails or
 * exits, every waiting call and every later one is refused with the first reason.
 */
export class WorkerCalls<Request extends { id: number }, Result> {
  private readonly waiting = new Map<number, { resolve(result: Result): void; reject(error: Error): void }>();
  private nextId = 1;
  #stopped: Error | undefined;

  /** `threadName` begins the errors ("the database thread stopped…"); `onStopped` hears the first. */
  constructor(
    private readonly worker: Worker,
    threadName: string,
    onStopped?: (error: Error) => void,
  ) {
    const fail = (error: Error) => {
      if (!this.#stopped) {
        this.#stopped = error;
        onStopped?.(error);
      }
      for (const call of this.waiting.values()) call.reject(this.#stopped);
      this.waiting.clear();
    };
    worker.on("error", (error) => fail(new Error(`${threadName} failed: ${error.message}`, { cause: error })));
    worker.on("exit", (code) => fail(new Error(`${threadName} stopped (exit code ${code})`)));
  }

  /** Why the thread can take no more calls, once it cannot. */
  get stopped(): Error | undefined {
    return this.#stopped;
  }

  call(request: WithoutId<Request>): Promise<Result> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.nextId++;
    if (!this.waiting.size) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  /** Settles the call `id` names; a reply to a call no longer waiting is ignored. */
  settle(id: number, outcome: { result: Result } | { error: Error }): void {
    const call = this.waiting.get(id);
    if (!call) return;
    this.waiting.delete(id);
    this.idle();
    if ("error" in outcome) call.reject(outcome.error);
    else call.resolve(outcome.result);
  }

  /** Lets the process exit while no call is waiting (the thread holds it until it is ready). */
  idle(): void {
    if (!this.waiting.size) this.worker.unref();
  }
}
