/**
 * The architecture's may-import table (docs/architecture.md) is what dependency-cruiser enforces in
 * `npm run lint` (.dependency-cruiser.cjs): the table in the docs and the tool's tables are the same,
 * and a forbidden import does fail.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const repository = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const configuration = require(join(repository, '.dependency-cruiser.cjs')) as {
  forbidden: IForbiddenRuleType[];
  tables: { MAY_IMPORT: Record<string, string[]>; MAY_USE_PACKAGES: Record<string, string[]> };
};

/** The rows of the table in docs/architecture.md: folder → the backticked names of its last two columns. */
function documentedTable(): Map<string, { libraries: string[]; packages: string[] | null }> {
  const rows = new Map<string, { libraries: string[]; packages: string[] | null }>();
  const names = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
  for (const line of readFileSync(join(repository, 'docs', 'architecture.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const folder = /^`((?:libs|apps)\/[a-z-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (folder === undefined || cells.length < 6) continue;
    const packages = cells[4] ?? '';
    rows.set(folder, { libraries: names(cells[3] ?? ''), packages: packages === 'any' ? null : names(packages) });
  }
  return rows;
}

describe('the may-import table', () => {
  it('in docs/architecture.md is the one the lint enforces', () => {
    const documented = documentedTable();
    const { MAY_IMPORT, MAY_USE_PACKAGES } = configuration.tables;
    expect([...documented.keys()].sort()).toEqual(Object.keys(MAY_IMPORT).sort());
    for (const [folder, allowed] of Object.entries(MAY_IMPORT)) {
      expect({ folder, libraries: documented.get(folder)?.libraries.slice().sort() }).toEqual({
        folder,
        libraries: [...allowed].sort(),
      });
      const packages = MAY_USE_PACKAGES[folder];
      expect({ folder, packages: documented.get(folder)?.packages?.slice().sort() ?? null }).toEqual({
        folder,
        packages: packages ? [...packages].sort() : null,
      });
    }
  });
});

describe('a forbidden import', () => {
  let fixture: string;
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(fixture, path)), { recursive: true });
    writeFileSync(join(fixture, path), text);
  };
  beforeAll(() => {
    fixture = mkdtempSync(join(tmpdir(), 'kierto-architecture-'));
    write('libs/event-store/src/index.ts', 'export const store = 1;\n');
    write('libs/projections/src/index.ts', "export { passport } from './passport/passport.js';\n");
    write('libs/projections/src/passport/passport.ts', 'export const passport = 1;\n');
    // The domain reaching for infrastructure and for Node.
    write(
      'libs/domain/src/decide.ts',
      "import { store } from '../../event-store/src/index.js';\nimport { join } from 'node:path';\nexport const x = [store, join];\n",
    );
    // The audit library reaching past the projections' public face.
    write(
      'libs/audit/src/replay.ts',
      "import { passport } from '../../projections/src/passport/passport.js';\nexport const y = passport;\n",
    );
    // What is allowed: a public face of a library the table allows.
    write(
      'libs/audit/src/verify.ts',
      "import { store } from '../../event-store/src/index.js';\nexport const z = store;\n",
    );
  });
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  async function violations(): Promise<string[]> {
    const result = await cruise(['libs'], {
      baseDir: fixture,
      ruleSet: { forbidden: configuration.forbidden },
      validate: true,
      tsPreCompilationDeps: true,
    });
    const output = result.output as ICruiseResult;
    return output.summary.violations
      .map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`)
      .sort();
  }

  it('fails the lint: domain → infrastructure, domain → Node, and a reach into another library', async () => {
    expect(await violations()).toEqual([
      'libs-domain-may-import: libs/domain/src/decide.ts → libs/event-store/src/index.ts',
      'libs-domain-packages: libs/domain/src/decide.ts → path',
      'no-reach-into-another-library: libs/audit/src/replay.ts → libs/projections/src/passport/passport.ts',
    ]);
  });
});
