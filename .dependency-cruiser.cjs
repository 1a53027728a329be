// @ts-check
/**
 * The may-import table of docs/architecture.md, enforced by `npm run lint` (dependency-cruiser).
 * test/architecture/architecture.spec.ts checks that the table in the docs says exactly this, and
 * that a forbidden import fails.
 *
 * Three kinds of rule:
 * - which libraries (and apps) each folder may import, for its production code; tests of a library
 *   may also use other libraries' test helpers and libs/testing;
 * - which npm packages and Node built-ins the libraries that talk to no framework may use;
 * - no reaching into another library's internals: only its public faces (package.json "imports",
 *   `#kierto/<library>[/<entry>]`) may be imported from outside it.
 */

/** The apps compose the libraries: each may use any of them (libs/testing is for tests only). */
const EVERY_LIBRARY = [
  'libs/access',
  'libs/application',
  'libs/audit',
  'libs/domain',
  'libs/event-store',
  'libs/import',
  'libs/interop',
  'libs/projections',
  'libs/schemas',
];

/** Folder → the folders its production code may import. */
const MAY_IMPORT = {
  'libs/domain': [],
  'libs/event-store': [],
  'libs/application': ['libs/domain', 'libs/event-store'],
  'libs/projections': ['libs/domain', 'libs/event-store'],
  'libs/audit': ['libs/event-store', 'libs/projections'],
  'libs/import': ['libs/domain', 'libs/schemas', 'libs/event-store', 'libs/application'],
  'libs/interop': ['libs/domain', 'libs/projections'],
  'libs/access': ['libs/domain'],
  'libs/schemas': ['libs/domain', 'libs/projections'],
  'libs/testing': ['libs/domain'],
  'apps/api': EVERY_LIBRARY,
  'apps/cli': EVERY_LIBRARY,
};

/** Folder → the npm packages its production code may use (Node built-ins: `node` in the list); absent = any. */
const MAY_USE_PACKAGES = {
  'libs/domain': [],
  'libs/event-store': ['node', 'better-sqlite3', 'pg', '@kurrent/kurrentdb-client'],
  'libs/access': ['node', 'better-sqlite3', 'pg', 'hash-wasm'],
};

/** Tests (.spec.ts, .int-spec.ts, .e2e-spec.ts) and test helpers: they wire libraries together, so only the internals rule binds them. */
const TEST_CODE = ['[.-]spec\\.ts$', '/testing/'];

/** The public faces: the files package.json "imports" names for the TypeScript types. */
const { imports = {} } = require('./package.json');
const PUBLIC_FACES = Object.values(imports).map((target) => `^${target.types.slice(2).replace(/[.]/g, '\\.')}$`);

const NPM_DEPENDENCY_TYPES = ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'];

const escape = (text) => text.replace(/[-/.]/g, (char) => `\\${char}`);

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const layerRules = Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
  name: `${folder.replace('/', '-')}-may-import`,
  comment: `${folder} may import ${allowed.length === 0 ? 'no other library' : allowed.join(', ')} (docs/architecture.md)`,
  severity: 'error',
  from: { path: `^${escape(folder)}/`, pathNot: TEST_CODE },
  to: { path: '^(libs|apps)/', pathNot: [folder, ...allowed].map((each) => `^${escape(each)}/`) },
}));

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const packageRules = Object.entries(MAY_USE_PACKAGES).map(([folder, packages]) => ({
  name: `${folder.replace('/', '-')}-packages`,
  comment: `${folder} may use ${packages.length === 0 ? 'no package and no Node built-in' : packages.join(', ')} (docs/architecture.md)`,
  severity: 'error',
  from: { path: `^${escape(folder)}/`, pathNot: TEST_CODE },
  to: {
    dependencyTypes: [...(packages.includes('node') ? [] : ['core']), ...NPM_DEPENDENCY_TYPES],
    pathNot: packages.filter((name) => name !== 'node').map((name) => `node_modules/${escape(name)}/`),
  },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
const configuration = {
  forbidden: [
    ...layerRules,
    ...packageRules,
    {
      name: 'no-reach-into-another-library',
      comment:
        'Import another library through its public face (#kierto/…), never a file inside it (docs/architecture.md)',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: ['^libs/$1/', ...PUBLIC_FACES] },
    },
    {
      name: 'no-reach-into-a-library-from-outside',
      comment: 'Apps, tests and benchmarks import a library through its public face (#kierto/…) (docs/architecture.md)',
      severity: 'error',
      from: { path: '^(apps|test|bench)/' },
      to: { path: '^libs/', pathNot: PUBLIC_FACES },
    },
    {
      name: 'no-unresolvable-import',
      comment: 'An import that resolves to nothing is a typo or a missing public face',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|data)/' },
    // Type-only imports are dependencies of the design too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      conditionNames: ['types', 'import', 'node', 'default'],
      extensions: ['.ts', '.js', '.json'],
      // Resolve packages as Node does, through their "exports" (dependency-cruiser's default ignores
      // them): pdfkit has no "main", only exports.
      exportsFields: ['exports'],
    },
  },
};

module.exports = configuration;
// For test/architecture/architecture.spec.ts: the tables behind the rules (not part of the configuration).
Object.defineProperty(module.exports, 'tables', { value: { MAY_IMPORT, MAY_USE_PACKAGES }, enumerable: false });
