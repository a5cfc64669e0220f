import { AppError } from '../errors.ts';

/** The services of the index thread that the API calls, by name. */
export type IndexTarget = 'collaborators' | 'neighbourhood' | 'papers';

export type IndexTask =
  | { kind: 'open'; options: { backgroundSync?: boolean } }
  | { kind: 'close' }
  | { kind: 'call'; target: IndexTarget; method: string; args: unknown[] };

type SentError =
  | { app: true; code: string; status: number; message: string; details: unknown }
  | { app: false; name: string; message: string; code?: string };

export type IndexReply = { ok: true; value: unknown } | { ok: false; error: SentError };

/**
 * Errors cross the thread boundary as data: typed AppErrors keep their code, status and details;
 * others keep name, message and code (so Redis' unavailable errors are still recognised).
 */
export function sendError(error: unknown): SentError {
  if (error instanceof AppError) {
    return {
      app: true,
      code: error.code,
      status: error.status,
      message: error.message,
      details: error.details,
    };
  }
  const plain = error instanceof Error ? error : new Error(String(error));
  return { app: false, name: plain.name, message: plain.message, code: (plain as { code?: string }).code };
}

export function receivedError(sent: SentError): Error {
  if (sent.app) return new AppError(sent.code, sent.status, sent.message, sent.details);
  const error = new Error(sent.message) as Error & { code?: string };
  error.name = sent.name;
  if (sent.code) error.code = sent.code;
  return error;
}
