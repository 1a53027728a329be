/**
 * Domain errors carry a stable code that clients can rely on, a kind that the HTTP edge maps to a
 * status, and (for invalid input) the path of the field at fault. Decide functions throw them; see
 * docs/adr/0003-domain-errors-are-thrown.md for why we throw instead of returning a Result.
 */
/** `forbidden`: the organisation asking is not the one a rule lets do this (only a handover's receiver answers it). */
export type DomainErrorKind = 'invalid' | 'not-found' | 'conflict' | 'rule' | 'forbidden';

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const invalid = (code: string, field: string, message: string): DomainError =>
  new DomainError('invalid', code, message, field);

export const ruleBroken = (code: string, message: string, field?: string): DomainError =>
  new DomainError('rule', code, message, field);
