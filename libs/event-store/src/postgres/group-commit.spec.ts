import { describe, expect, it } from '@jest/globals';
import { GroupCommitQueue, type GroupMember } from './group-commit.js';

/** A queue whose commits wait until the test releases them, recording each group's inputs. */
function controlledQueue(max = { events: 100, bytes: 1_000 }) {
  const groups: string[][] = [];
  const releases: Array<() => void> = [];
  const queue = new GroupCommitQueue<string, string>(async (group: readonly GroupMember<string, string>[]) => {
    groups.push(group.map((member) => member.input));
    await new Promise<void>((release) => releases.push(release));
    for (const member of group) {
      if (member.input.startsWith('conflict')) member.reject(new Error(`refused ${member.input}`));
      else member.resolve(`done ${member.input}`);
    }
  }, max);
  const releaseNext = async (): Promise<void> => {
    for (let tries = 0; releases.length === 0 && tries < 100; tries += 1) await Promise.resolve();
    releases.shift()?.();
  };
  return { queue, groups, releaseNext };
}

const one = { events: 1, bytes: 10 };

describe('GroupCommitQueue', () => {
  it('starts a lone append at once and groups what arrives while it commits, each with its own outcome', async () => {
    const { queue, groups, releaseNext } = controlledQueue();
    const first = queue.submit('a', one);
    expect(groups).toEqual([['a']]);
    const later = ['b', 'conflict-c', 'd'].map((input) => queue.submit(input, one));
    await releaseNext();
    await releaseNext();
    expect(await first).toBe('done a');
    const outcomes = await Promise.allSettled(later);
    expect(groups).toEqual([['a'], ['b', 'conflict-c', 'd']]);
    expect(
      outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : String(outcome.reason))),
    ).toEqual(['done b', 'Error: refused conflict-c', 'done d']);
  });

  it('stops a group before it passes the event or byte cap, and lets an oversized member go alone', async () => {
    const { queue, groups, releaseNext } = controlledQueue({ events: 3, bytes: 25 });
    const all = [
      queue.submit('first', one),
      queue.submit('e1', { events: 2, bytes: 5 }),
      queue.submit('e2', { events: 2, bytes: 5 }),
      queue.submit('b1', { events: 1, bytes: 20 }),
      queue.submit('huge', { events: 10, bytes: 500 }),
      queue.submit('last', one),
    ];
    for (let i = 0; i < 5; i += 1) await releaseNext();
    await Promise.all(all);
    expect(groups).toEqual([['first'], ['e1'], ['e2', 'b1'], ['huge'], ['last']]);
  });

  it('rejects every member a failing commit left unsettled and goes on with the next group', async () => {
    let calls = 0;
    const queue = new GroupCommitQueue<string, string>(
      async (group) => {
        calls += 1;
        await Promise.resolve();
        if (calls === 1) throw new Error('connection lost');
        for (const member of group) member.resolve(member.input);
      },
      { events: 100, bytes: 1_000 },
    );
    const failed = queue.submit('x', one);
    const next = queue.submit('y', one);
    await expect(failed).rejects.toThrow('connection lost');
    expect(await next).toBe('y');
  });
});
