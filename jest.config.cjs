/** Jest runs TypeScript through SWC as native ESM (Nest 12 is ESM-only; see docs/adr/0001). */
const { imports } = require('./package.json');

/** The libraries' public faces (package.json "imports", docs/architecture.md), read from their sources. */
const publicFaces = Object.fromEntries(
  Object.entries(imports).map(([name, target]) => [
    `^${name.replace(/[/-]/g, '\\$&')}$`,
    `<rootDir>/${target.types.slice(2)}`,
  ]),
);

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test', '<rootDir>/schemas'],
  // Tiers by suffix: .spec.ts unit, .int-spec.ts needs PostgreSQL, .e2e-spec.ts HTTP through the real app,
  // .browser-spec.ts the pages in Chromium (test/support/browser.ts).
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.browser-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { ...publicFaces, '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'es6' },
      },
    ],
  },
  testTimeout: 30000,
};
