import { describe, expect, it } from '@jest/globals';
import { DomainError } from '#kierto/domain';
import { DeciderSpecification } from './decider-specification.js';

/** A counter that refuses to go past 2: small enough to see what the specification itself does. */
type CounterEvent = { readonly type: 'Incremented' };
const given = DeciderSpecification.for<'increment' | 'break silently', CounterEvent, number>({
  decide: (command, count) => {
    if (command === 'break silently') return [];
    if (count >= 2) throw new DomainError('rule', 'LIMIT_REACHED', 'The counter stops at 2', 'count');
    return [{ type: 'Incremented' }];
  },
  evolve: (count) => count + 1,
  initialState: () => 0,
});
const incremented: CounterEvent = { type: 'Incremented' };

describe('DeciderSpecification', () => {
  it('passes when the command appends exactly the expected events', () => {
    given([incremented]).when('increment').then([incremented]);
  });

  it('fails when the command appends other events', () => {
    expect(() => given([]).when('increment').then([])).toThrow();
  });

  it('rethrows the refusal when a command expected to succeed is refused', () => {
    expect(() => given([incremented, incremented]).when('increment').then([incremented])).toThrow(
      'The counter stops at 2',
    );
  });

  it('passes a refusal with the expected code, kind and field, and returns the error', () => {
    const error = given([incremented, incremented])
      .when('increment')
      .thenThrows({ code: 'LIMIT_REACHED', kind: 'rule', field: 'count' });
    expect(error.message).toBe('The counter stops at 2');
  });

  it('accepts the code alone', () => {
    given([incremented, incremented]).when('increment').thenThrows('LIMIT_REACHED');
  });

  it('fails a refusal with another code or kind', () => {
    const spec = given([incremented, incremented]).when('increment');
    expect(() => spec.thenThrows('SOMETHING_ELSE')).toThrow();
    expect(() => spec.thenThrows({ code: 'LIMIT_REACHED', kind: 'conflict' })).toThrow();
  });

  it('fails an expected refusal when the command would append events', () => {
    expect(() => given([]).when('increment').thenThrows('LIMIT_REACHED')).toThrow();
  });

  it('fails an expected refusal when decide neither throws nor appends: a refusal must be explicit', () => {
    expect(() => given([]).when('break silently').thenThrows('LIMIT_REACHED')).toThrow();
  });
});
