/**
 * The queue behind group commit (docs/adr/0027-group-commit.md): appends that arrive while a group
 * transaction is running wait here and go together in the next one, so N concurrent appends cost
 * one head-lock acquisition and one commit instead of N of each. There is no timer: a lone append
 * starts at once, and a group is exactly what piled up while the previous one was committing.
 *
 * One group runs at a time per store instance: every group takes the same head lock, so a second
 * transaction of this process could only wait for it while holding a connection.
 */

/** One caller's append, all or nothing on its own, with its own outcome. */
export interface GroupMember<Input, Output> {
  readonly input: Input;
  /** Events and bytes in the member, for the group's size caps. */
  readonly size: GroupSize;
  readonly resolve: (output: Output) => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupSize {
  readonly events: number;
  readonly bytes: number;
}

export type CommitGroup<Input, Output> = (group: readonly GroupMember<Input, Output>[]) => Promise<void>;

export class GroupCommitQueue<Input, Output> {
  private readonly waiting: GroupMember<Input, Output>[] = [];
  private running = false;

  /**
   * @param commit settles every member of the group it is given (resolve or reject each); a throw is
   *   taken as the outcome of every member it left unsettled.
   * @param maxGroup a group stops growing before it would pass this many events or bytes (a member
   *   larger than that still goes, alone).
   */
  constructor(
    private readonly commit: CommitGroup<Input, Output>,
    private readonly maxGroup: GroupSize,
  ) {}

  submit(input: Input, size: GroupSize): Promise<Output> {
    return new Promise<Output>((resolve, reject) => {
      this.waiting.push({ input, size, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let group = this.nextGroup(); group.length > 0; group = this.nextGroup()) {
        await this.commit(group).catch((error: unknown) => {
          // Settling twice is a no-op for a promise, so rejecting every member is safe here.
          for (const member of group) member.reject(error);
        });
      }
    } finally {
      this.running = false;
    }
  }

  private nextGroup(): GroupMember<Input, Output>[] {
    const group: GroupMember<Input, Output>[] = [];
    let events = 0;
    let bytes = 0;
    for (const member of this.waiting) {
      const full =
        events + member.size.events > this.maxGroup.events || bytes + member.size.bytes > this.maxGroup.bytes;
      if (group.length > 0 && full) break;
      group.push(member);
      events += member.size.events;
      bytes += member.size.bytes;
    }
    this.waiting.splice(0, group.length);
    return group;
  }
}
