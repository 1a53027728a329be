/** Stable error codes of the lifecycle rules (docs/api-errors.md). Clients match on these, so never rename one. */
export const ErrorCodes = {
  deviceAlreadyRegistered: 'DEVICE_ALREADY_REGISTERED',
  deviceNotFound: 'DEVICE_NOT_FOUND',
  productDescriptionRequired: 'PRODUCT_DESCRIPTION_REQUIRED',
  deviceIdMismatch: 'DEVICE_ID_MISMATCH',
  deviceAlreadyRecycled: 'DEVICE_ALREADY_RECYCLED',
  deviceNotInUse: 'DEVICE_NOT_IN_USE',
  deviceNotCollected: 'DEVICE_NOT_COLLECTED',
  wipeRequiredBeforeResale: 'WIPE_REQUIRED_BEFORE_RESALE',
  endOfLifeNotResellable: 'END_OF_LIFE_NOT_RESELLABLE',
  occurredBeforePreviousEvent: 'OCCURRED_BEFORE_PREVIOUS_EVENT',
  occurredInFuture: 'OCCURRED_IN_FUTURE',
  invalidTimestamp: 'INVALID_TIMESTAMP',
  nonPositiveWeight: 'WEIGHT_NOT_POSITIVE',
  // Plausibility per WEEE category (limits.ts): 422, the message and field name the limit.
  implausibleWeight: 'WEIGHT_IMPLAUSIBLE',
  occurredTooEarly: 'OCCURRED_BEFORE_EARLIEST',
  materialsExceedWeight: 'MATERIALS_EXCEED_WEIGHT',
  recyclingOutputsExceedWeight: 'RECYCLING_OUTPUTS_EXCEED_WEIGHT',
  wipeResultInconsistent: 'WIPE_RESULT_INCONSISTENT',
  barrierWithoutEndOfLife: 'BARRIER_WITHOUT_END_OF_LIFE',
  endOfLifeWithoutBarrier: 'END_OF_LIFE_WITHOUT_BARRIER',
  // Producer organisation membership (membership.ts)
  alreadyMember: 'ALREADY_MEMBER',
  notAMember: 'NOT_A_MEMBER',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** How far `occurredAt` may lie ahead of the server clock before it counts as the future. */
export const ALLOWED_CLOCK_SKEW_MS = 5 * 60 * 1000;
