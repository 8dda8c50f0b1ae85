// Demo logins and API tokens, created only when the service runs with DEMO_MODE=true (npm start). They
// live in services/shared/demo-credentials.ts, which the audit shares without importing the agency.
export { demoApiClient, demoAuditClient, demoUsers, type DemoUser } from "../shared/demo-credentials";
