import { expect } from '@jest/globals';
import { DomainError, type Decider, type DomainErrorKind } from '#kierto/domain';

export type { Decider };

/** The refusal a spec expects: the stable code, and the kind and field when the test cares. */
export type ExpectedRefusal =
  string | { readonly code: string; readonly kind?: DomainErrorKind; readonly field?: string };

export interface DeciderThen<Event> {
  /** The command is accepted and would append exactly these events. */
  then(expectedEvents: readonly Event[]): void;
  /**
   * The command is refused with this DomainError and nothing would be appended: decide must throw,
   * so a decide that returns events (even none) fails the spec. Returns the error for further checks.
   */
  thenThrows(expected: ExpectedRefusal): DomainError;
}

type Outcome<Event> =
  { readonly appended: readonly Event[] } | { readonly appended: readonly []; readonly error: unknown };

/**
 * Given/when/then over events, without I/O:
 *   const given = DeciderSpecification.for({ decide, evolve, initialState });
 *   given([placedOnMarket()]).when(collect()).then([collected()]);
 *   given([]).when(recordResale()).thenThrows({ code: 'DEVICE_NOT_FOUND', kind: 'not-found' });
 * The given events are facts: they are folded with evolve and never checked by decide.
 */
export const DeciderSpecification = {
  for<Command, Event, State>(decider: Decider<Command, Event, State>) {
    return (givenEvents: readonly Event[]) => ({
      when(command: Command): DeciderThen<Event> {
        const state = givenEvents.reduce(decider.evolve, decider.initialState());
        const outcome = ((): Outcome<Event> => {
          try {
            return { appended: decider.decide(command, state) };
          } catch (error) {
            return { appended: [], error };
          }
        })();
        return {
          then(expectedEvents) {
            if ('error' in outcome) throw outcome.error;
            expect(outcome.appended).toEqual(expectedEvents);
          },
          thenThrows(expected) {
            const refusal = typeof expected === 'string' ? { code: expected } : expected;
            expect(outcome.appended).toEqual([]);
            const error = 'error' in outcome ? outcome.error : undefined;
            expect(error).toBeInstanceOf(DomainError);
            expect(error).toMatchObject(refusal);
            return error as DomainError;
          },
        };
      },
    });
  },
};
