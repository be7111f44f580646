/**
 * Seams for the tests that run real writers (test/store/processes.spec.ts through
 * test/helpers/store-worker.ts): a test stops a writer at an exact point, and kills it there or lets
 * it go on, instead of killing it at a random moment. Nothing in sessionjar sets them, and the
 * package does not export them.
 */
export const storeHooks: {
  /** After an atomic write's temp file is written and synced, before it is renamed over the target. */
  beforeRename?: (temp: string) => Promise<void>;
  /** When a lock this process waits for is held by another (on every retry). */
  lockBusy?: (lockPath: string) => void;
} = {};
