import type { StoredEvent } from '#kierto/event-store';
import { evolvePassport, type Passport } from '#kierto/projections';

/** Which part of the history counts: events recorded up to a moment, or up to a global position. */
export type AsOf = { readonly recordedAt: string } | { readonly position: number };

/**
 * The passport as it stood at a past moment, folded from the device's events with the same pure
 * evolve the projector uses, so it is what the read model said then (not what it says now).
 * Null when no event of the device had been recorded by then.
 */
export function passportAsOf(history: readonly StoredEvent[], asOf: AsOf): Passport | null {
  const limit = 'position' in asOf ? null : Date.parse(asOf.recordedAt);
  let passport: Passport | null = null;
  for (const event of history) {
    const counted =
      limit === null
        ? event.globalPosition <= (asOf as { position: number }).position
        : Date.parse(event.recordedAt) <= limit;
    if (!counted) break;
    passport = evolvePassport(passport, event);
  }
  return passport;
}
