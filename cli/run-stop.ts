/**
 * SIGTERM / SIGINT for the long-running `cpansec run`: the first asks it to stop between steps
 * (after the batch in hand is acknowledged, or at once while it sleeps between passes); a second
 * ends the process now (messages in flight are released when the next run starts).
 */
export class Stopped extends Error {
  override readonly name = "Stopped";
}

export interface StopSignal {
  readonly stopped: boolean;
  /** Throws Stopped once a signal came. */
  check(): void;
  /** Sleeps up to ms; true when a signal ended the sleep (or had come before). */
  sleep(ms: number): Promise<boolean>;
  dispose(): void;
}

export function stopOnSignals(onFirst: (signal: string) => void): StopSignal {
  let stopped = false;
  let wake: (() => void) | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (stopped) process.exit(signal === "SIGINT" ? 130 : 143);
    stopped = true;
    onFirst(signal);
    wake?.();
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return {
    get stopped() {
      return stopped;
    },
    check() {
      if (stopped) throw new Stopped("stopped by a signal");
    },
    sleep(ms) {
      if (stopped) return Promise.resolve(true);
      return new Promise((resolve) => {
        const t = setTimeout(() => resolve(stopped), ms);
        wake = () => {
          clearTimeout(t);
          resolve(true);
        };
      });
    },
    dispose() {
      process.off("SIGTERM", handler);
      process.off("SIGINT", handler);
    },
  };
}
