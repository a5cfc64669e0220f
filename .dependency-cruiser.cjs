/**
 * The layers of ../shared/STYLE.md, checked by `npm run lint`: imports only point down.
 *
 *   entry points   src/http, src/threads, src/container.ts, src/server.ts, src/importing,
 *                  src/evaluation/harness.ts, workers/, scripts/
 *   use-cases      src/services
 *   jobs           src/jobs (typed job registry and queues)
 *   ranking core   src/recommend, src/evaluation (metrics) → src/vector → src/graph
 *   storage, model src/storage, src/embedding
 *   domain         src/domain, src/errors.ts, src/logger.ts, src/config.ts, src/thread-priority.ts
 */
/** Where each layer lives. */
const pathOf = {
  domain: '^src/(domain/|errors\\.ts$|logger\\.ts$|metrics\\.ts$|config\\.ts$|thread-priority\\.ts$)',
  storage: '^src/storage/',
  embedding: '^src/embedding/',
  graph: '^src/graph/',
  vector: '^src/vector/',
  recommend: '^src/(recommend/|evaluation/(?!harness\\.ts$))',
  jobs: '^src/jobs/',
  services: '^src/services/',
  entry:
    '^(src/(http|threads|importing)/|src/(container|server)\\.ts$|src/evaluation/harness\\.ts$|workers/|scripts/)',
};

/** What each layer must not import: everything above it (and its peers where the order says so). */
const above = {
  domain: ['storage', 'embedding', 'graph', 'vector', 'recommend', 'jobs', 'services', 'entry'],
  storage: ['embedding', 'graph', 'vector', 'recommend', 'jobs', 'services', 'entry'],
  embedding: ['storage', 'graph', 'vector', 'recommend', 'jobs', 'services', 'entry'],
  graph: ['vector', 'recommend', 'jobs', 'services', 'entry'],
  vector: ['recommend', 'jobs', 'services', 'entry'],
  recommend: ['jobs', 'services', 'entry'],
  jobs: ['graph', 'vector', 'recommend', 'services', 'entry'],
  services: ['entry'],
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...Object.entries(above).flatMap(([layer, uppers]) =>
      uppers.map((upper) => ({
        name: `${layer}-not-to-${upper}`,
        comment: `${layer} sits below ${upper}: imports only point down (../shared/STYLE.md)`,
        severity: 'error',
        from: { path: pathOf[layer] },
        to: { path: pathOf[upper] },
      })),
    ),
    {
      name: 'no-circular',
      comment: 'modules that import each other cannot be understood one at a time',
      severity: 'error',
      from: { path: '^(src|workers|scripts)/' },
      to: { circular: true, viaOnly: { pathNot: '^src/(container|threads/)' } },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|workers|scripts)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js'] },
  },
};
