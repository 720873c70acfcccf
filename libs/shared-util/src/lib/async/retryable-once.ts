/**
 * Runs an async initialiser at most once at a time and caches its success.
 *
 * - Concurrent callers share the one in-flight promise.
 * - A failure rejects every waiting caller, then clears the promise, so a later call retries.
 * - After success every call resolves with the same value, without running `init` again.
 *
 * This is the seed's `ensureDatabasesInitialized()` (flag + promise reset in `finally`) made
 * reusable and typed; `reset()` exists for shutdown and tests.
 */
export interface RetryableOnce<T> {
  /** Starts the initialiser or joins the run in flight; resolves with its value. */
  run(): Promise<T>;
  /** The value, if a run has succeeded. */
  readonly value: T | undefined;
  /** `idle` (never run or last run failed), `running` or `done`. */
  readonly state: 'idle' | 'running' | 'done';
  /** How many times the initialiser has been started. */
  readonly attempts: number;
  /** Forgets a cached value so the next `run()` initialises again. */
  reset(): void;
}

export function retryableOnce<T>(init: () => Promise<T>): RetryableOnce<T> {
  let inFlight: Promise<T> | undefined;
  let done = false;
  let value: T | undefined;
  let attempts = 0;

  return {
    run() {
      if (done) return Promise.resolve(value as T);
      if (inFlight) return inFlight;
      attempts += 1;
      const attempt = (async () => {
        try {
          value = await init();
          done = true;
          return value;
        } finally {
          inFlight = undefined;
        }
      })();
      inFlight = attempt;
      return attempt;
    },
    get value() {
      return value;
    },
    get state() {
      return done ? 'done' : inFlight ? 'running' : 'idle';
    },
    get attempts() {
      return attempts;
    },
    reset() {
      done = false;
      value = undefined;
      inFlight = undefined;
    },
  };
}
