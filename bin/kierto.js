#!/usr/bin/env node
// `npx kierto …`: runs the CLI that `npm install` built into dist/ (the `prepare` script), so no
// call pays for a TypeScript build. After changing the sources, `npm run build` refreshes it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/apps/cli/src/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(`kierto: ${entry} is missing; run \`npm run build\` (npm install runs it) first\n`);
  process.exit(1);
}
await import(entry);
