import type { Logger } from './logger.ts';

/** What a process's start-up steps use to stand aside once a shutdown has begun. */
export type Shutdown = {
  /**
   * Resolves as `step` does while no shutdown has begun; once one has, never (its outcome, an error
   * included, is dropped): the shutdown under way ends the process, and the start-up stops where it is.
   */
  unlessStopping<T>(step: Promise<T>): Promise<T>;
};

/**
 * On SIGTERM or SIGINT, runs `close` once (finish in-flight work, close connections), then exits. A
 * close that has not finished within `timeoutMs` is given up: the process logs it and exits with 1, so a
 * stuck connection or job can never keep a stopping process alive (an unfinished job is taken over by
 * another worker once its lock lapses, as after a crash). Call it first thing, before the start-up
 * steps: a signal that came before it would end the process at once, without `close` (an API stopped
 * the moment it said it was listening lost the index it had just rebuilt). `close` then sees only what
 * the start-up made before the signal.
 */
export function closeOnSignals(
  logger: Logger,
  what: string,
  timeoutMs: number,
  close: () => Promise<void>,
): Shutdown {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal, timeoutMs }, `shutting down: ${what}`);
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown did not finish in time (SHUTDOWN_TIMEOUT_MS): exiting anyway');
      process.exit(1);
    }, timeoutMs).unref();
    try {
      await close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  const never = new Promise<never>(() => undefined);
  return {
    unlessStopping: (step) =>
      step.then(
        (value) => (closing ? never : value),
        (error: unknown) => (closing ? never : Promise.reject(error)),
      ),
  };
}
