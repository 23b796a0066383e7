/**
 * Jest runs the TypeScript sources as ES modules (NestJS 12 ships ESM only), in two projects:
 * - unit: `*.spec.ts` beside the code, with no database: `pg` and PGlite are replaced by a guard
 *   that fails a test which opens one (test/unit-guard/no-database.ts);
 * - int: suites that need a database, a server or other processes: `*.int.spec.ts` beside the code
 *   and everything under test/ (end-to-end, fault, concurrency, projections, security).
 */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
};
const relativeJs = { '^(\\.{1,2}/.*)\\.js$': '$1' };

export default {
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,projections}/**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '/node_modules/'],
      moduleNameMapper: {
        ...relativeJs,
        '^pg$': '<rootDir>/test/unit-guard/no-database.ts',
        '^@electric-sql/pglite$': '<rootDir>/test/unit-guard/no-database.ts',
      },
    },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,projections}/**/*.int.spec.ts', '<rootDir>/test/**/*.spec.ts'],
      moduleNameMapper: relativeJs,
    },
  ],
};
