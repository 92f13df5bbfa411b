/** Where a problem is: a file and, when it is about one line of it, the 1-based line. */
export interface Location {
  file?: string;
  line?: number;
}

/**
 * An error the user can act on: its message says what is wrong, and `where` says in which
 * file and line. Everything that reaches the user (CLI, worker, extension) is a GrainError;
 * anything else is a bug and is reported as such.
 */
export class GrainError extends Error {
  readonly where: Location;
  /** The message without the location it starts with. */
  readonly reason: string;

  constructor(message: string, where: Location = {}) {
    super(formatLocation(where) + message);
    this.name = 'GrainError';
    this.where = where;
    this.reason = message;
  }
}

export function formatLocation(where: Location): string {
  if (!where.file) return '';
  return where.line !== undefined ? `${where.file}:${where.line}: ` : `${where.file}: `;
}

/** Thrown when a job is cancelled; callers must not save a partial result as if complete. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}
