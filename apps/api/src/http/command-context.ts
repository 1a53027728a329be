import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { fingerprint, toJsonObject, type CommandContext, type CommandOutcome } from '#kierto/application';
import type { Actor, StoredEvent } from '#kierto/event-store';
import { badRequest } from './api-error.js';
import { correlationIdOf } from './request-context.js';

/**
 * What every command endpoint takes from the request besides its body: correlation id,
 * Idempotency-Key, If-Match and the fingerprint that tells a retry from a different request.
 * The actor comes from authentication, never from the body.
 */
export function commandContextOf(request: Request, actor: Actor): CommandContext {
  return {
    actor,
    correlationId: correlationIdOf(request) ?? randomUUID(),
    causationId: null,
    idempotencyKey: idempotencyKeyOf(request),
    requestFingerprint: fingerprint(request.method, request.path, toJsonObject(request.body as object)),
    expectedRevision: expectedRevisionOf(request),
    newEventId: randomUUID,
  };
}

/** The edge owns the clock: the domain gets `now` with the command. */
export const now = (): string => new Date().toISOString();

/** What a command's response says about each appended event; `globalPosition` is what `?minPosition=` takes. */
export type RecordedEvent = Pick<
  StoredEvent,
  'eventId' | 'type' | 'streamRevision' | 'globalPosition' | 'recordedAt' | 'hash'
>;

export function recordedEvents(outcome: CommandOutcome): RecordedEvent[] {
  return outcome.events.map(({ eventId, type, streamRevision, globalPosition, recordedAt, hash }) => ({
    eventId,
    type,
    streamRevision,
    globalPosition,
    recordedAt,
    hash,
  }));
}

/**
 * The headers every recorded command answers with: where its stream is read, the stream's revision as
 * the ETag (what If-Match takes), and whether it replays an earlier request with the same Idempotency-Key.
 */
export function setRecordedHeaders(
  response: Response,
  location: string,
  outcome: { readonly revision: number; readonly replayed: boolean },
): void {
  response.setHeader('Location', location);
  response.setHeader('ETag', `"${outcome.revision}"`);
  if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
}

function idempotencyKeyOf(request: Request): string | null {
  const key = request.header('idempotency-key');
  if (key === undefined) return null;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw badRequest(
      'INVALID_IDEMPOTENCY_KEY',
      'Idempotency-Key',
      'Idempotency-Key has 1 to 200 visible ASCII characters',
    );
  }
  return key;
}

function expectedRevisionOf(request: Request): number | null {
  const value = request.header('if-match');
  if (value === undefined) return null;
  const match = /^"?(\d{1,15})"?$/.exec(value.trim());
  if (match === null) {
    throw badRequest('INVALID_IF_MATCH', 'If-Match', 'If-Match carries a revision as an ETag, e.g. "3"');
  }
  return Number(match[1]);
}
