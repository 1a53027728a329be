/**
 * The domain is pure (docs/architecture.md): no Nest, no database, no Node built-ins, nothing from outside
 * libs/domain. The lint's dependency rules say the same (docs/architecture.md); this keeps the guard
 * in the test run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';

const domainSrc = dirname(fileURLToPath(import.meta.url));

/** Every module specifier a file names: static and dynamic imports, re-exports, require calls. */
const specifiersIn = (source: string): string[] =>
  ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);

/** Only the domain's own modules: "./x.js". */
const isOwnModule = (specifier: string): boolean => specifier.startsWith('./');

const domainFiles = readdirSync(domainSrc, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
  .sort();

describe('the domain’s purity', () => {
  it('finds the domain’s source files to check', () => {
    expect(domainFiles).toEqual(expect.arrayContaining(['decide.ts', 'events.ts', 'identity.ts', 'state.ts']));
  });

  it('recognises every way of naming a module that is not the domain’s own', () => {
    const source = [
      "import { Injectable } from '@nestjs/common';",
      "import type { Pool } from 'pg';",
      "export * from '../../event-store/src/index.js';",
      "const fs = await import('node:fs');",
      "const Database = require('better-sqlite3');",
      "import { decide } from './decide.js';",
    ].join('\n');
    expect(specifiersIn(source).filter((specifier) => !isOwnModule(specifier))).toEqual([
      '@nestjs/common',
      'pg',
      '../../event-store/src/index.js',
      'node:fs',
      'better-sqlite3',
    ]);
  });

  it.each(domainFiles)('%s imports only the domain’s own modules', (file) => {
    const foreign = specifiersIn(readFileSync(join(domainSrc, file), 'utf8')).filter((s) => !isOwnModule(s));
    expect(foreign).toEqual([]);
  });
});
