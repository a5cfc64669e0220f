import type { Logger } from './logger.ts';

/** On SIGTERM or SIGINT, runs `close` once (finish in-flight work, close connections), then exits. */
export function closeOnSignals(logger: Logger, what: string, close: () => Promise<void>): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, `shutting down: ${what}`);
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
