// Property-based fuzzing from the served OpenAPI document (fast-check): for every operation of both
// services, requests that follow its schemas and requests broken in one way, each with one of the
// credential kinds (clerk token, clerk session with CSRF token, auditor token, admin token, none). A fixed
// number of runs, no time bound. Every answer: no 5xx; every 4xx is problem+json; the status is one the
// document lists for the operation; and a request answered 4xx changes no table (row counts of every table).
import { expect } from "chai";
import fc from "fast-check";
import { startTestChain, type TestChain } from "../support/chain";
import { startApi, chainPortFor, type ApiHarness } from "../support/api-harness";
import { operationsOf, requestOf, type FuzzRequest, type Hints } from "../support/openapi-arbitraries";

/** Requests per service (FUZZ_RUNS overrides, e.g. for a longer run by hand); both services send twice this many. */
const RUNS_PER_SERVICE = Number(process.env.FUZZ_RUNS ?? 1500);
const CREDENTIALS = ["clerk token", "clerk session", "auditor token", "admin token", "none"] as const;
type Credential = (typeof CREDENTIALS)[number];

const person = { familyName: "Muster (fiktiv)", givenNames: "Max", dateOfBirth: "1990-01-01", nationality: "SYR" };

/** Row counts of every table of the service's database. */
async function tableCounts(api: ApiHarness): Promise<Record<string, number>> {
  const tables = await api.db.$queryRawUnsafe<{ name: string }[]>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma_%' ORDER BY name",
  );
  const sql = `SELECT ${tables.map((t, i) => `(SELECT count(*) FROM "${t.name}") AS c${i}`).join(", ")}`;
  const [row] = await api.db.$queryRawUnsafe<Record<string, bigint | number>[]>(sql);
  return Object.fromEntries(tables.map((t, i) => [t.name, Number(row[`c${i}`])]));
}

describe("API fuzzing from the OpenAPI document (fast-check)", function () {
  let chain: TestChain;
  before(async () => {
    chain = await startTestChain();
  });
  after(async () => {
    await chain?.dispose();
  });

  for (const agency of ["BAMF", "ZAB"] as const) {
    it(`${agency}: ${RUNS_PER_SERVICE} generated requests, no 5xx, every 4xx problem+json, documented, and writing nothing`, async () => {
      const api = await startApi({ agency, chain: chainPortFor(chain, agency) });
      try {
        const created = await api.call("POST", "/api/cases", { token: api.tokens.clerk, body: { fileNumber: "7000042-423", person } });
        expect(created.status, created.text).to.equal(201);
        const caseRef: string = created.json.caseRef;
        const notification = await api.db.notification.create({ data: { sourceKey: "fuzz:1", kind: "FORWARD", priority: 2, caseRef, payload: "{}" } });
        const doc = (await api.call("GET", "/api/openapi.json")).json;
        const operations = operationsOf(doc);
        expect(operations.length).to.be.greaterThan(20);
        const hints: Hints = {
          caseRef: [caseRef],
          id: [notification.id],
          fileNumber: ["7000042-423"],
          dateOfBirth: ["1990-01-01", "1990-00-00"],
          businessDate: ["2026-06-01"],
          username: [`${agency.toLowerCase()}.clerk`],
          password: ["not-the-password-123"],
          detail: ["REJECTED_UNFOUNDED", 1, "14612"],
          data: [{ ref: "B-1" }],
        };
        let session = await api.login("clerk");
        const headersFor = (credential: Credential): Record<string, string> => {
          switch (credential) {
            case "clerk token":
              return { authorization: `Bearer ${api.tokens.clerk}` };
            case "auditor token":
              return { authorization: `Bearer ${api.tokens.auditor}` };
            case "admin token":
              return { authorization: `Bearer ${api.tokens.admin}` };
            case "clerk session":
              return { cookie: session.cookie, "x-csrf-token": session.csrf };
            case "none":
              return {};
          }
        };

        const seen = new Map<string, number>();
        // one arbitrary per operation, built once (building them per run costs more than the requests)
        const step = agency === "BAMF" ? "APPLICATION_FILED" : "REGISTERED";
        const examples: Record<string, unknown[]> = {
          recordStep: [{ step }, { step, data: { ref: "B-1", notes: ["x"] } }],
          recordSteps: [{ steps: [{ caseRef, step }] }, { steps: [{ caseRef, step }, { caseRef, step, data: { n: 1 } }] }],
          createCase: [{ fileNumber: "7000043-423", person }],
        };
        // the request alone in the counterexample; the operation's statuses are looked up by its id
        const statuses = new Map(operations.map((op) => [op.operationId, op.statuses]));
        const perOperation = operations.map((op) => requestOf(op, hints, examples[op.operationId]).map((req) => ({ operationId: op.operationId, ...req })));
        const arbitrary = fc.tuple(fc.oneof(...perOperation), fc.constantFrom(...CREDENTIALS));
        await fc.assert(
          fc.asyncProperty(arbitrary, async ([req, credential]: [FuzzRequest & { operationId: string }, Credential]) => {
            const label = `${credential}: ${req.method} ${req.path} ${req.mutation}`;
            const qs = req.query.length ? "?" + new URLSearchParams(req.query).toString() : "";
            const headers: Record<string, string> = { ...headersFor(credential), ...(req.body ? { "content-type": req.body.contentType } : {}) };
            const before = await tableCounts(api);
            const abort = new AbortController();
            const res = await fetch(api.url + req.path + qs, { method: req.method, headers, body: req.method === "GET" ? undefined : req.body?.text, signal: abort.signal });
            // an accepted event stream never ends: its status and headers are the answer
            const streaming = res.headers.get("content-type")?.startsWith("text/event-stream") ?? false;
            if (streaming) abort.abort();
            const text = streaming ? "" : await res.text();
            seen.set(`${res.status}`, (seen.get(`${res.status}`) ?? 0) + 1);
            expect(res.status, `${label} -> ${text.slice(0, 300)}`).to.be.lessThan(500);
            if (!req.mutation.startsWith("path ")) expect([...(statuses.get(req.operationId) ?? [])], `${label}: ${res.status} not in the document`).to.include(res.status);
            if (res.status >= 400) {
              expect(res.headers.get("content-type"), label).to.equal("application/problem+json; charset=utf-8");
              expect(JSON.parse(text).status, label).to.equal(res.status);
              expect(await tableCounts(api), `${label} -> ${res.status} changed a table`).to.deep.equal(before);
            }
            if (credential === "clerk session" && req.method === "DELETE" && req.path === "/api/session" && res.ok) session = await api.login("clerk");
          }),
          { numRuns: RUNS_PER_SERVICE },
        );
        // the run reached the handlers, not only the edge: some requests were taken, many refused
        expect([...seen.keys()].filter((s) => s.startsWith("2")).length, JSON.stringify(Object.fromEntries(seen))).to.be.greaterThan(0);
        expect(seen.get("400") ?? 0).to.be.greaterThan(RUNS_PER_SERVICE / 10);
      } finally {
        await api.close();
      }
    });
  }
});
