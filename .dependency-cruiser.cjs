/**
 * The layering rules of the repository, checked by `npm run lint:deps` (part of `npm test`).
 * The README's "Architecture" section draws them; test/lint/dependency-rules.test.ts shows each
 * rule refusing what it should.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: split the shared part into a module both sides import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-not-to-adapters',
      severity: 'error',
      comment:
        'The core defines ports (connector/ports/) and never imports an adapter: only the composition root (connector/app/) wires adapters in.',
      from: { path: '^connector/', pathNot: '^connector/app/' },
      to: { path: '^adapters/' },
    },
    {
      name: 'simulators-only-in-demo-and-simulate',
      severity: 'error',
      comment: 'Simulators and the SMTP sink are for the demo and `recouvra simulate` only (and the tests).',
      from: {
        path: '^(connector|adapters|mappings|config)/',
        pathNot: ['/simulator/', '^connector/app/demo/', '^connector/app/cli/simulate-command\\.ts$'],
      },
      to: { path: ['/simulator/', '/smtp-sink\\.ts$'] },
    },
    {
      name: 'mappings-only-to-model',
      severity: 'error',
      comment:
        'A mapping translates wire records into the canonical model: it imports the model and nothing else of ours.',
      from: { path: '^mappings/' },
      to: { path: '^(connector|adapters|config)/', pathNot: '^connector/model/' },
    },
    {
      name: 'config-not-to-runtime',
      severity: 'error',
      comment:
        'config/ composes the configuration schemas: it imports schemas (*.schema.ts), the model and time helpers, never the runtime (daemon, jobs, store, HTTP, CLI, outbox).',
      from: { path: '^config/' },
      to: {
        path: '^(connector|adapters|mappings)/',
        pathNot: ['[.]schema[.]ts$', '^connector/(model|time)/', '^connector/claim/basis-points[.]ts$'],
      },
    },
    {
      name: 'job-store-only-to-the-queue',
      severity: 'error',
      comment:
        "The store's jobs belong to the embedded queue (connector/jobs/store-queue.ts): everything else enqueues through the JobQueue port.",
      from: {
        path: '^(connector|adapters|mappings|config)/',
        pathNot: ['^connector/jobs/store-queue[.]ts$', '^connector/store/'],
      },
      to: { path: '^connector/store/job-store[.]ts$' },
    },
    {
      name: 'sql-only-in-the-store',
      severity: 'error',
      comment:
        'SQL lives in connector/store/ (one file per aggregate): the rest of the code goes through the Store interfaces, and decides the business rules there.',
      from: {
        path: '^(connector|adapters|mappings|config)/',
        pathNot: ['^connector/store/', '^adapters/sage-100-fr/'],
      },
      to: { path: 'node_modules/(kysely|better-sqlite3|pg)/' },
    },
    {
      name: 'sage-100-builds-sql-server-queries-only',
      severity: 'error',
      comment:
        "The Sage 100 adapter reads the ERP's own SQL Server database, so it builds queries with Kysely; it never opens the store's engines (the tests run its queries on SQLite and PostgreSQL fixtures). Only fixture-dialect.ts opens a fixture file (demo and tests), through the store's SQLite driver loader.",
      from: { path: '^adapters/sage-100-fr/', pathNot: '^adapters/sage-100-fr/fixture-dialect[.]ts$' },
      to: { path: ['node_modules/(better-sqlite3|pg)/', '^connector/store/'] },
    },
    {
      name: 'dashboard-build-and-browser-sources-not-in-the-daemon',
      severity: 'error',
      comment:
        "The dashboard's build (esbuild, jsdom, Owl's compiler: development dependencies) and its browser sources are not the daemon's code: the daemon serves what the build wrote (connector/app/dashboard/serve-dashboard.ts).",
      from: { path: '^(connector|adapters|mappings|config)/', pathNot: '^connector/app/dashboard/(build|ui)/' },
      to: { path: '^connector/app/dashboard/(build|ui)/' },
    },
    {
      name: 'graphql-only-in-the-sage-active-simulator',
      severity: 'error',
      comment:
        "graphql-js serves the Sage Active simulator's schema; clients send their queries as text over the adapters' HTTP client, so nothing else needs the library.",
      from: { path: '^(connector|adapters|mappings|config)/', pathNot: '^adapters/sage-active/simulator/' },
      to: { path: 'node_modules/graphql/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage)/' },
    // The database drivers and graphql are in the graph so that the rules confining them can see them.
    includeOnly: '^(connector|adapters|mappings|config|node_modules/(kysely|better-sqlite3|pg|graphql))/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
