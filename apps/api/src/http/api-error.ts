/** The one error shape every endpoint answers with (documented in docs/api-errors.md). */
export interface FieldError {
  /** Path of the field at fault, e.g. "product.materials[0].massKg" or a header name. */
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export interface ApiErrorBody {
  readonly error: {
    readonly status: number;
    /** Stable, documented code that clients can match on. */
    readonly code: string;
    readonly message: string;
    readonly fields?: readonly FieldError[];
    readonly correlationId?: string;
  };
}

/** Thrown by the HTTP layer itself (bad headers, bad parameters, failed body validation). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

export const badRequest = (code: string, field: string, message: string): ApiError =>
  new ApiError(400, code, message, [{ field, code, message }]);
