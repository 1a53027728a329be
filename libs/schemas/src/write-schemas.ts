/**
 * Writes the JSON Schema files under schemas/ from the TypeScript constants, and deletes generated
 * files that no longer have a schema. Run with `npm run schemas:write` (build first, then
 * `node dist/libs/schemas/src/write-schemas.js`); schemas.spec.ts fails when the files are stale.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GENERATED_DIRS, SCHEMA_FILE_SUFFIX, schemaFiles } from './files.js';

const PACKAGE_NAME = 'kierto';

/**
 * The repository root: the nearest folder at or above the working directory whose package.json is
 * Kierto's. Found from the working directory (not from this file) because the compiled script lives
 * under dist/, and npm scripts run from the root anyway; the name check keeps it from writing into
 * some other package when started from an unexpected place.
 */
function findRepoRoot(start: string = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === PACKAGE_NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No ${PACKAGE_NAME} package.json at or above ${start}`);
    dir = parent;
  }
}

function readPackageName(manifest: string): unknown {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as { name?: unknown }).name : undefined;
  } catch {
    return undefined;
  }
}

function writeSchemas(root: string): { written: string[]; removed: string[] } {
  const files = schemaFiles();
  const wanted = new Set(files.map((file) => file.path));
  const written: string[] = [];
  const removed: string[] = [];
  for (const dir of GENERATED_DIRS) {
    const absolute = join(root, dir);
    mkdirSync(absolute, { recursive: true });
    for (const name of readdirSync(absolute)) {
      const path = `${dir}/${name}`;
      if (name.endsWith(SCHEMA_FILE_SUFFIX) && !wanted.has(path)) {
        rmSync(join(root, path));
        removed.push(path);
      }
    }
  }
  for (const file of files) {
    const absolute = join(root, file.path);
    // Only touch files whose content changed, so timestamps and watchers stay quiet.
    if (existsSync(absolute) && readFileSync(absolute, 'utf8') === file.content) continue;
    writeFileSync(absolute, file.content);
    written.push(file.path);
  }
  return { written, removed };
}

const root = findRepoRoot();
const { written, removed } = writeSchemas(root);
for (const path of written) console.log(`wrote ${path}`);
for (const path of removed) console.log(`removed ${path}`);
console.log(`${schemaFiles().length} schemas under ${join(root, 'schemas')} are up to date`);
