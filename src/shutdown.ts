import type { Logger } from './logger.ts';

/**
 * On SIGTERM or SIGINT, runs `close` once (finish in-flight work, close connections), then exits. A
 * close that has not finished within `timeoutMs` is given up: the process logs it and exits with 1, so a
 * stuck connection or job can never keep a stopping process alive (an unfinished job is taken over by
 * another worker once its lock lapses, as after a crash).
 */
export function closeOnSignals(
  logger: Logger,
  what: string,
  timeoutMs: number,
  close: () => Promise<void>,
): void {
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
}
