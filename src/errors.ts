/** Errors the services throw; src/http/error-handler.ts maps them to HTTP once. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends AppError {
  constructor(message: string, details?: unknown) {
    super('invalid_input', 400, message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(kind: string, id: string) {
    super('not_found', 404, `${kind} '${id}' was not found`, { kind, id });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super('conflict', 409, message, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string, details?: unknown) {
    super('payload_too_large', 413, message, details);
  }
}

export class UnprocessableError extends AppError {
  constructor(message: string, details?: unknown) {
    super('unprocessable', 422, message, details);
  }
}

export class NotReadyError extends AppError {
  constructor(message: string, details?: unknown) {
    super('not_ready', 503, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super('unauthorized', 401, message, null);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, details?: unknown) {
    super('forbidden', 403, message, details);
  }
}

export class RateLimitedError extends AppError {
  constructor(message: string, details: unknown) {
    super('rate_limited', 429, message, details);
  }
}

export class BusyError extends AppError {
  constructor(message: string, details?: unknown) {
    super('busy', 503, message, details);
  }
}
