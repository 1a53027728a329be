/**
 * The page budget (ProjectorOptions.pageBudgetMs): on the embedded store an in-process projector
 * holds up the whole process for as long as a page takes, so with a budget it pages small and lets
 * the event loop turn between pages. What a page then costs in milliseconds is measured by
 * bench/projector-stall.bench.ts; these tests pin down the behaviour, not the timing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { kiertoProjections } from './index.js';
import { Projector } from './projector.js';
import { SqliteReadModelStore } from './read-models/index.js';
import { randomHistories, Recorder, scenarioClock } from './testing/scenario.js';

describe('a projector with a page budget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kierto-page-budget-'));
  let store: SqliteEventStore;
  let head: number;
  beforeAll(async () => {
    store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), clock: scenarioClock() });
    await store.init();
    await new Recorder(store).recordAll(randomHistories(150));
    head = await store.headPosition();
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Catches up on fresh read models, counting the event-loop turns other work got meanwhile. */
  async function catchUpCountingTurns(
    place: string,
    pageBudgetMs: number | undefined,
  ): Promise<{ events: number; turns: number; pages: number }> {
    const readModels = new SqliteReadModelStore({ file: join(dir, `${place}.sqlite`) });
    const projector = new Projector({
      store,
      readModels,
      projections: kiertoProjections({ reportingTimeZone: 'UTC' }),
      pageSize: 5_000,
      pageBudgetMs,
    });
    await projector.prepare();
    let pages = 0;
    const unsubscribe = projector.onProgress(() => {
      pages += 1;
    });
    let turns = 0;
    let counting = true;
    const turn = (): void => {
      if (!counting) return;
      turns += 1;
      setImmediate(turn);
    };
    setImmediate(turn);
    const events = await projector.catchUp();
    counting = false;
    unsubscribe();
    await readModels.close();
    return { events, turns, pages };
  }

  it('starts with small pages and lets other work run between them', async () => {
    expect(head).toBeGreaterThan(100);
    const budgeted = await catchUpCountingTurns('budgeted', 50);
    expect(budgeted.events).toBe(head);
    expect(budgeted.pages).toBeGreaterThan(1);
    expect(budgeted.turns).toBeGreaterThanOrEqual(budgeted.pages - 1);
  });

  it('without a budget, reads the log in pages of pageSize, as rebuilds want', async () => {
    const fixed = await catchUpCountingTurns('fixed', undefined);
    expect(fixed).toMatchObject({ events: head, pages: 1 });
  });

  it('refuses a budget that is not positive', () => {
    const readModels = new SqliteReadModelStore({ file: join(dir, 'refused.sqlite') });
    expect(() => new Projector({ store, readModels, projections: [], pageBudgetMs: 0 })).toThrow(
      'pageBudgetMs must be positive',
    );
  });
});
