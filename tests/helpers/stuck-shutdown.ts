import { createLogger } from '../../src/logger.ts';
import { closeOnSignals } from '../../src/shutdown.ts';

/** A process whose close never finishes, like one waiting on a connection that never answers. */
const logger = createLogger('info', 'stuck-shutdown');
closeOnSignals(logger, 'waiting forever', Number(process.argv[2]), () => new Promise<void>(() => undefined));
setInterval(() => undefined, 1000); // keeps the process alive, as open connections would
logger.info('ready');
