import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '#kierto/testing';
import {
  membershipDecider,
  producerStreamId,
  type JoinProducerOrganisation,
  type LeaveProducerOrganisation,
  type MembershipEvent,
} from './membership.js';
import { ErrorCodes } from './rules.js';

const given = DeciderSpecification.for(membershipDecider);

const PRODUCER = 'producer-aalto-computing';
const NOW = '2025-12-01T09:30:00Z';

const join = (organisationId: string, occurredAt = '2025-01-01T00:00:00Z', now = NOW): JoinProducerOrganisation => ({
  kind: 'JoinProducerOrganisation',
  producerId: PRODUCER,
  occurredAt,
  now,
  data: { organisationId },
});
const leave = (organisationId: string, occurredAt = '2025-07-01T00:00:00Z', now = NOW): LeaveProducerOrganisation => ({
  kind: 'LeaveProducerOrganisation',
  producerId: PRODUCER,
  occurredAt,
  now,
  data: { organisationId },
});
const joined = (organisationId: string, occurredAt = '2025-01-01T00:00:00Z'): MembershipEvent => ({
  type: 'ProducerJoinedOrganisation',
  occurredAt,
  data: { organisationId },
});
const left = (organisationId: string, occurredAt = '2025-07-01T00:00:00Z'): MembershipEvent => ({
  type: 'ProducerLeftOrganisation',
  occurredAt,
  data: { organisationId },
});

describe('producer membership streams', () => {
  it('are named after the producer', () => {
    expect(producerStreamId('producer-aalto-computing')).toBe('producer:producer-aalto-computing');
  });
});

describe('when the producer is in no organisation', () => {
  it('joins an organisation', () => {
    given([])
      .when(join('elker'))
      .then([joined('elker')]);
  });

  it('joins again after leaving, also another organisation', () => {
    given([joined('elker'), left('elker')])
      .when(join('serty', '2025-07-01T00:00:00Z'))
      .then([joined('serty', '2025-07-01T00:00:00Z')]);
  });

  it('refuses to leave: it is a member of nothing', () => {
    given([]).when(leave('elker')).thenThrows({ code: ErrorCodes.notAMember, kind: 'rule', field: 'organisationId' });
    given([joined('elker'), left('elker')])
      .when(leave('elker', '2025-08-01T00:00:00Z'))
      .thenThrows(ErrorCodes.notAMember);
  });
});

describe('when the producer is a member', () => {
  const member = [joined('elker')];

  it('leaves its organisation', () => {
    given(member)
      .when(leave('elker'))
      .then([left('elker')]);
  });

  it('refuses to join another organisation: one at a time', () => {
    const error = given(member)
      .when(join('serty', '2025-03-01T00:00:00Z'))
      .thenThrows({ code: ErrorCodes.alreadyMember, kind: 'rule', field: 'organisationId' });
    expect(error.message).toContain('elker');
  });

  it('refuses to join the same organisation twice', () => {
    given(member).when(join('elker', '2025-03-01T00:00:00Z')).thenThrows(ErrorCodes.alreadyMember);
  });

  it('refuses to leave an organisation it is not in', () => {
    const error = given(member).when(leave('serty')).thenThrows(ErrorCodes.notAMember);
    expect(error.message).toContain('member of elker');
  });
});

describe('rule 5: time is monotonic per producer', () => {
  it('refuses a change before the previous one', () => {
    given([joined('elker', '2025-03-01T00:00:00Z')])
      .when(leave('elker', '2025-02-28T23:59:59Z'))
      .thenThrows({ code: ErrorCodes.occurredBeforePreviousEvent, kind: 'rule', field: 'occurredAt' });
  });

  it('accepts leaving and joining at the same instant (the interval is half-open)', () => {
    given([joined('elker', '2025-03-01T00:00:00Z'), left('elker', '2025-07-01T00:00:00Z')])
      .when(join('serty', '2025-07-01T00:00:00Z'))
      .then([joined('serty', '2025-07-01T00:00:00Z')]);
  });

  it('accepts a change recorded long after it took effect', () => {
    given([])
      .when(join('elker', '2019-01-01T00:00:00Z'))
      .then([joined('elker', '2019-01-01T00:00:00Z')]);
  });

  it('refuses a change in the future', () => {
    given([])
      .when(join('elker', '2025-12-01T10:00:00Z'))
      .thenThrows({ code: ErrorCodes.occurredInFuture, field: 'occurredAt' });
  });

  it('refuses a malformed time', () => {
    given([]).when(join('elker', '2025-06-02')).thenThrows({ code: ErrorCodes.invalidTimestamp, kind: 'invalid' });
  });
});
