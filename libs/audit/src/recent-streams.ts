/**
 * The last revision seen of the most recently used streams, at most `capacity` of them (least
 * recently used evicted first). This is what keeps the per-stream revision check of `verifyChain`
 * in bounded memory however many streams the store holds: a stream that fell out of the window is
 * checked against the store instead (see verify-chain.ts).
 */
export class RecentStreams {
  private readonly lastRevisions = new Map<string, number>();

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.lastRevisions.size;
  }

  lastRevision(streamId: string): number | undefined {
    return this.lastRevisions.get(streamId);
  }

  /** Records the stream's newest revision and makes it the most recently used. */
  record(streamId: string, revision: number): void {
    // A Map iterates in insertion order: deleting and re-inserting moves the key to the young end.
    this.lastRevisions.delete(streamId);
    this.lastRevisions.set(streamId, revision);
    if (this.lastRevisions.size > this.capacity) {
      const oldest = this.lastRevisions.keys().next();
      if (oldest.done !== true) this.lastRevisions.delete(oldest.value);
    }
  }
}
