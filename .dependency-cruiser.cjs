// The architecture rules of docs/architecture.md, checked by `npm run lint` (dependency-cruiser).
// Paths are relative to the repository root. Each rule names the boundary it keeps and why; a new exception
// belongs in docs/architecture.md first.

/** What the browser bundle may contain besides web/src itself: the browser-safe shared modules, the code
 * lists as JSON, and npm packages that run in a browser. */
const BROWSER_SAFE =
  "^(web/src/|services/shared/(vocab|contract)/|codelists/(history/)?[^/]+[.]json$|node_modules/(react|react-dom|chart[.]js|zod|openapi-fetch)/)";

/** A boundary the lint enforces: `comment` says why it exists, and a violation fails `npm run lint`. */
function forbid(name, comment, from, to) {
  return { name, comment, severity: "error", from, to };
}

module.exports = {
  forbidden: [
    forbid(
      "audit-not-to-agency",
      "The audit trusts no agency: it checks the chain and the agencies' exports with its own code, so that a " +
        "bug or a change in the agency service cannot also hide itself from the audit. It may share only " +
        "services/shared with the agency service.",
      { path: "^services/audit/" },
      { path: "^services/agency/" },
    ),
    forbid(
      "api-not-to-chain-or-listener",
      "The HTTP layer validates, authorises and makes one call into a use case (steps/, accounts/, inbox/ or " +
        "reads/). Sending to the chain is the outbox's job and reading its events the listener's; the API sees the " +
        "chain only through the narrow ports of context.ts, so no request can bypass the queued-step writer or the " +
        "stored events.",
      { path: "^services/agency/api/" },
      { path: "^services/agency/(chain|listener)/" },
    ),
    forbid(
      "use-cases-not-to-api",
      "The layers below the HTTP API (use cases in steps/, accounts/, inbox/ and reads/, outbox, chain, listener, " +
        "notifications, store ...) know nothing of HTTP: the API calls them, never the other way round, so the same use case " +
        "serves a route, a test and a script. A refusal is a ProblemError from services/agency/problems.ts.",
      { path: "^services/agency/(?!api/)[^/]+/" },
      { path: "^services/agency/api/" },
    ),
    forbid(
      "service-not-to-web",
      "web/ is the browser app and nothing else; the service serves its built files from web/dist at run " +
        "time. Code shared by both lives in services/shared (vocab, contract), which web/src may import.",
      { path: "^services/" },
      { path: "^web/" },
    ),
    forbid(
      "web-not-to-node",
      "web/src runs in the browser: a Node built-in (fs, path, crypto, ...) does not exist there and would " +
        "only fail in the bundle or at run time.",
      { path: "^web/src/" },
      { dependencyTypes: ["core"] },
    ),
    forbid(
      "web-only-browser-safe",
      "web/src may import only itself, the browser-safe shared modules (services/shared/vocab, " +
        "services/shared/contract), the code lists as JSON and browser npm packages. Anything else would pull " +
        "server code, secrets or Node-only libraries into the bundle, or re-declare what the contract owns.",
      { path: "^web/src/" },
      { pathNot: BROWSER_SAFE, dependencyTypesNot: ["core"] },
    ),
    forbid(
      "shared-browser-modules-stay-browser-safe",
      "services/shared/vocab and services/shared/contract are imported by the web app as well as by the " +
        "services, so they obey the web app's rule: no Node built-ins, nothing outside the browser-safe set.",
      { path: "^services/shared/(vocab|contract)/" },
      { pathNot: BROWSER_SAFE },
    ),
    forbid(
      "no-circular",
      "A cycle makes load order matter (a half-initialised module under CommonJS) and means two modules are " +
        "really one; break it by moving the shared part down a layer.",
      { path: "^(services|scripts|web/src|test/support)/" },
      { circular: true },
    ),
    forbid(
      "not-to-unresolvable",
      "An import that resolves to nothing on disk fails at run time (or is a typo the checks would miss).",
      {},
      { couldNotResolve: true },
    ),
    forbid(
      "no-non-package-json",
      "An npm package that is not in package.json is only present by accident (a transitive dependency) and " +
        "can vanish or change version with any install.",
      {},
      { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    ),
    forbid(
      "not-to-dev-dep",
      "Production code (the services and the web app) must not need a devDependency at run time; types " +
        "only are fine because they vanish in the build.",
      { path: "^(services|web/src)/" },
      { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    ),
  ],
  options: {
    // Record npm packages, built-ins and the generated Prisma client as dependencies, but do not cruise inside them.
    doNotFollow: { path: "(^|/)(node_modules|generated)/" },
    // `import type` counts: a type-only import still ties the two modules together in the source.
    tsPreCompilationDeps: true,
    // Neither tsconfig declares `paths`, so the root one resolves web/src as well as the services.
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".cjs", ".mjs", ".json", ".d.ts"],
    },
    cache: false,
  },
};
