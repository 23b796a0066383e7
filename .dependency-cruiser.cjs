/**
 * Who may import whom (`npm run depcheck`, part of `npm test`). Modules are the folders under libs/
 * and apps/, plus projections/ and test/. Product code depends downwards only:
 *
 *   domain ← database ← event-store ← platform ← { ledger (write side), projections, auth }
 *          ← report-contract ← { reports, audit } (read side, sharing libs/contracts) ← apps
 *
 * reports (projected) and audit (replayed) compute the same bodies two ways and never import each
 * other: they share libs/report-contract (requests, their parsing, the pure parts of a body, and the
 * ports through which each asks the other); the application (apps/) binds those ports.
 *
 * Spec files and `testing/` helpers may reach further (fixtures, harnesses); product code may not
 * reach them.
 */
const TEST_CODE = '(\\.(spec|int\\.spec|contract|bench\\.spec)\\.ts$)|(/testing/)|(^test/)';
const READ_SIDE = '^(projections|libs/(reports|report-contract|audit))/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle ties modules together: neither can change or be tested without the other.',
      from: { pathNot: TEST_CODE },
      to: { circular: true, pathNot: TEST_CODE },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'libs/domain holds the rules: plain TypeScript, no other module (not even its types: the shapes the domain needs live in it, and libs/contracts re-exports them), no framework, no I/O.',
      from: { path: '^libs/domain/', pathNot: TEST_CODE },
      to: { pathNot: '^libs/domain/|^node_modules/luxon/|^node_modules/@types/luxon/' },
    },
    {
      name: 'nothing-imports-apps',
      severity: 'error',
      comment: 'apps/ are the entry points (HTTP, CLI, console): libraries never depend on them.',
      from: { pathNot: '^apps/|^test/' },
      to: { path: '^apps/' },
    },
    {
      name: 'product-code-not-on-tests',
      severity: 'error',
      comment: 'Fixtures, harnesses and test helpers stay out of what ships.',
      from: { path: '^(apps|libs|projections)/', pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: 'database-is-the-bottom',
      severity: 'error',
      comment: 'libs/database (connection, migrations) serves every side and knows none of them.',
      from: { path: '^libs/database/' },
      to: { path: '^(apps|projections|test)/|^libs/(?!database/)' },
    },
    {
      name: 'event-store-below-the-sides',
      severity: 'error',
      comment: 'The event store port and its adapters depend on the database only, never on a side.',
      from: { path: '^libs/event-store/', pathNot: TEST_CODE },
      to: { path: '^(apps|projections)/|^libs/(?!event-store/|database/|domain/)' },
    },
    {
      name: 'platform-wires-infrastructure-only',
      severity: 'error',
      comment: 'libs/platform (configuration, clock, database, event store, their Nest tokens) is used by both sides and knows neither.',
      from: { path: '^libs/platform/' },
      to: { path: '^(apps|projections|test)/|^libs/(ledger|auth|reports|report-contract|audit|contracts|history-generator)/' },
    },
    {
      name: 'write-side-does-not-read',
      severity: 'error',
      comment: 'The write side (libs/ledger) decides from its own streams: it never reads projections or reports.',
      from: { path: '^libs/ledger/', pathNot: TEST_CODE },
      to: { path: READ_SIDE },
    },
    {
      name: 'read-side-does-not-write',
      severity: 'error',
      comment: 'Projections, reports and audit read the log; they share infrastructure through libs/platform, not the write side.',
      from: { path: READ_SIDE, pathNot: TEST_CODE },
      to: { path: '^libs/ledger/' },
    },
    {
      name: 'projections-below-reports',
      severity: 'error',
      comment: 'Projections fill read models; the reports and audit that read them sit above.',
      from: { path: '^projections/', pathNot: TEST_CODE },
      to: { path: '^libs/(reports|audit)/' },
    },
    {
      name: 'reports-and-audit-apart',
      severity: 'error',
      comment:
        'Reports (projected) and audit (replayed) compute the same bodies two ways: they share libs/report-contract and libs/contracts, never each other.',
      from: { path: '^libs/reports/', pathNot: TEST_CODE },
      to: { path: '^libs/audit/' },
    },
    {
      name: 'audit-and-reports-apart',
      severity: 'error',
      comment: 'See reports-and-audit-apart.',
      from: { path: '^libs/audit/', pathNot: TEST_CODE },
      to: { path: '^libs/reports/' },
    },
    {
      name: 'report-contract-below-both-sides',
      comment: 'libs/report-contract is what reports and audit share: it knows neither of them, nor the write side or the wiring.',
      severity: 'error',
      from: { path: '^libs/report-contract/', pathNot: TEST_CODE },
      to: { path: '^(apps|test)/|^libs/(?!report-contract/|contracts/|domain/|event-store/)|^projections/(?!shared/)' },
    },
    {
      name: 'contracts-are-leaves',
      severity: 'error',
      comment: 'libs/contracts (report bodies shared by reports, audit and the console) depends on the domain at most.',
      from: { path: '^libs/contracts/' },
      to: { path: '^(apps|projections|test)/|^libs/(?!contracts/|domain/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|bench-results|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
