// The API contract: every request and response schema of the agency service's HTTP API, grouped by
// resource. The service declares its routes with them (and so /api/openapi.json); the web app takes its
// types from them with `import type`, so zod reaches the browser only where a page validates something.
export * from "./common";
export * from "./accounts";
export * from "./auth";
export * from "./admin";
export * from "./membership";
export * from "./meta";
export * from "./cases";
export * from "./steps";
export * from "./timeline";
export * from "./notifications";
export * from "./allocation";
export * from "./audit";
export * from "./stats";
export * from "./ledger-status";
export * from "./health";
export * from "./events";
export * from "./deadlines";
export * from "./exports";
