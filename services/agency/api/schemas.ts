// The API's shared zod schemas live in the browser-safe contract (services/shared/contract/common.ts);
// this name stays for the modules that import them from here.
export * from "../../shared/contract/common";
