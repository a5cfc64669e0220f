import { pino } from 'pino';

export type Logger = pino.Logger;

/** Credentials never reach the logs, whatever a serializer or a caller puts in a log line. */
const REDACTED = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'headers["x-api-key"]',
  'headers.authorization',
];

export function createLogger(level: string, name = 'peerscout'): Logger {
  return pino({ name, level, redact: { paths: REDACTED, censor: '[redacted]' } });
}
