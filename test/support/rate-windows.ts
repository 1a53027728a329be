import pg from 'pg';

/**
 * The shared rate limits count in whole minutes of the database's clock (docs/access.md). A test that
 * needs several requests to fall in one window starts them early enough in a minute that they cannot
 * be split across two: when fewer than `neededMs` remain, it waits for the next minute.
 */
export async function earlyEnoughInAMinute(databaseUrl: string, neededMs = 15_000): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ ms: string }>(
      'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms',
    );
    const intoMinute = Number(rows[0]?.ms) % 60_000;
    if (intoMinute > 60_000 - neededMs) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
  } finally {
    await client.end();
  }
}
