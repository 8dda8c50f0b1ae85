// Inputs that used to escape as 500 or as answers that are not problem+json (issue 15): step data the
// canonical JSON cannot take (non-finite numbers, deep nesting) or beyond the bounds, for both services,
// single and bulk, token and session; lenient number parsing; a GET with a body; and the protocol-level
// requests Node's HTTP parser or Fastify's router refuse before a handler runs, sent over a raw socket.
import { connect } from "node:net";
import { expect } from "chai";
import { startTestChain, type TestChain } from "../support/chain";
import { startApi, chainPortFor, type ApiHarness, type CallResult } from "../support/api-harness";
import { STEP_DATA_LIMITS } from "../../services/agency/steps/step-data";

const person = { familyName: "Muster (fiktiv)", givenNames: "Max", dateOfBirth: "1990-01-01", nationality: "SYR" };
const PROBLEM = "application/problem+json; charset=utf-8";

/** One HTTP exchange over a raw socket: what the server wrote until it closed or went quiet. */
function rawExchange(url: string, request: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let out = "";
    socket.setTimeout(5000, () => socket.destroy());
    socket.on("connect", () => socket.write(request));
    socket.on("data", (d) => {
      out += d.toString("latin1");
      const head = out.indexOf("\r\n\r\n");
      const len = /\r\ncontent-length: (\d+)\r\n/i.exec(out);
      if (head !== -1 && len && out.length >= head + 4 + Number(len[1])) socket.destroy();
    });
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
  });
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parseRaw(text: string): RawAnswer {
  const head = text.indexOf("\r\n\r\n");
  expect(head, `no complete answer: ${JSON.stringify(text.slice(0, 200))}`).to.be.greaterThan(0);
  const [statusLine, ...lines] = text.slice(0, head).split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(":");
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: Buffer.from(text.slice(head + 4), "latin1").toString("utf8") };
}

function expectProblem(r: { status: number; contentType: string | null; body: string }, status: number, field?: string): void {
  expect(r.status, r.body).to.equal(status);
  expect(r.contentType).to.equal(PROBLEM);
  const p = JSON.parse(r.body) as { status: number; type: string; errors?: { field: string }[] };
  expect(p.status).to.equal(status);
  expect(p.type).to.match(/^\/api\/docs#problem-/);
  if (field !== undefined) expect(p.errors?.map((e) => e.field)).to.include(field);
}

const fromCall = (r: CallResult) => ({ status: r.status, contentType: r.headers.get("content-type"), body: r.text });
const fromRaw = (r: RawAnswer) => ({ status: r.status, contentType: r.headers["content-type"] ?? null, body: r.body });

describe("API hardening: every bad input gets a clear 4xx problem+json", function () {
  let chain: TestChain;
  let bamf: ApiHarness;
  let zab: ApiHarness;
  const refs: Record<string, string> = { BAMF: "", ZAB: "" };

  before(async () => {
    chain = await startTestChain();
    bamf = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF") });
    zab = await startApi({ agency: "ZAB", chain: chainPortFor(chain, "ZAB") });
    for (const api of [bamf, zab]) {
      const r = await api.call("POST", "/api/cases", { token: api.tokens.clerk, body: { fileNumber: "7000015-423", person } });
      expect(r.status, r.text).to.equal(201);
      refs[api.agency] = r.json.caseRef;
    }
  });
  after(async () => {
    await bamf?.close();
    await zab?.close();
    await chain?.dispose();
  });

  describe("step data", () => {
    const stepOf = { BAMF: "APPLICATION_FILED", ZAB: "REGISTERED" } as const;
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    // raw JSON text, since JSON.stringify cannot write 1e400; `field` is the name the answer must give
    const bad: { name: string; data: string; field: string }[] = [
      { name: "1e400 (Infinity)", data: '{"x":1e400}', field: "data.x" },
      { name: "-1e999 (-Infinity)", data: '{"x":-1e999}', field: "data.x" },
      { name: "a non-finite number deep inside", data: '{"a":{"b":[1,2,{"c":1e309}]}}', field: "data.a.b[2].c" },
      { name: "3,000 levels of nesting", data: `{"x":${deep(3000)}}`, field: "data.x" + "[0]".repeat(STEP_DATA_LIMITS.maxDepth - 1) },
      { name: "one level too deep", data: `{"x":${deep(STEP_DATA_LIMITS.maxDepth)}}`, field: "data.x" + "[0]".repeat(STEP_DATA_LIMITS.maxDepth - 1) },
      { name: "too many keys", data: JSON.stringify({ list: Array.from({ length: STEP_DATA_LIMITS.maxEntries }, (_, i) => i) }), field: "data" },
      { name: "too long a text", data: JSON.stringify({ note: "x".repeat(STEP_DATA_LIMITS.maxStringLength + 1) }), field: "data.note" },
      {
        name: "too large in all",
        data: JSON.stringify(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`n${i}`, "x".repeat(STEP_DATA_LIMITS.maxBytes / 5)]))),
        field: "data",
      },
    ];

    for (const agency of ["BAMF", "ZAB"] as const) {
      for (const credential of ["token", "session"] as const) {
        for (const c of bad) {
          it(`${agency}, ${credential}: ${c.name} is 400 naming ${c.field.length > 40 ? "the field" : c.field}, single and bulk, nothing written`, async () => {
            const api = agency === "BAMF" ? bamf : zab;
            const auth = credential === "token" ? { token: api.tokens.clerk } : await api.login("clerk");
            const before = await api.counts();
            const single = await api.call("POST", `/api/cases/${refs[agency]}/steps`, {
              ...auth,
              rawBody: `{"step":"${stepOf[agency]}","data":${c.data}}`,
              contentType: "application/json",
            });
            expectProblem(fromCall(single), 400, c.field);
            const bulk = await api.call("POST", "/api/steps", {
              ...auth,
              rawBody: `{"steps":[{"caseRef":"${refs[agency]}","step":"${stepOf[agency]}","data":${c.data}}]}`,
              contentType: "application/json",
            });
            expectProblem(fromCall(bulk), 400, `steps[0].${c.field}`);
            const after = await api.counts();
            // the session's login itself is a row; nothing else may change
            expect({ ...after, sessions: 0 }).to.deep.equal({ ...before, sessions: 0 });
          });
        }
      }
    }

    it("takes data at the bounds (the limits are not off by one)", async () => {
      const data = {
        nested: JSON.parse(deep(STEP_DATA_LIMITS.maxDepth - 1)),
        note: "ü".repeat(STEP_DATA_LIMITS.maxStringLength),
        list: Array.from({ length: STEP_DATA_LIMITS.maxEntries - 20 }, (_, i) => i),
        big: 1e308,
      };
      const r = await bamf.call("POST", `/api/cases/${refs.BAMF}/steps`, { token: bamf.tokens.clerk, body: { step: "APPLICATION_FILED", data } });
      expect(r.status, r.text).to.equal(202);
    });

    it("describes the bounds in the OpenAPI document", async () => {
      const doc = (await bamf.call("GET", "/api/openapi.json")).json;
      const data = doc.paths["/api/cases/{caseRef}/steps"].post.requestBody.content["application/json"].schema.properties.data;
      expect(data["x-max-depth"]).to.equal(STEP_DATA_LIMITS.maxDepth);
      expect(data["x-max-entries"]).to.equal(STEP_DATA_LIMITS.maxEntries);
      expect(data["x-max-string-length"]).to.equal(STEP_DATA_LIMITS.maxStringLength);
      expect(data["x-max-bytes"]).to.equal(STEP_DATA_LIMITS.maxBytes);
      expect(data.description).to.contain(`${STEP_DATA_LIMITS.maxBytes} bytes`);
    });
  });

  describe("ids and numbers are decimal digits only", () => {
    it("does not read 0x10 as notification 16", async () => {
      const n = await bamf.db.notification.create({ data: { sourceKey: "test:w7:16", kind: "FORWARD", priority: 2, caseRef: refs.BAMF, payload: "{}" } });
      for (const id of ["0x10", "0x" + n.id.toString(16), "1e1", "+1", " 1", "1.0", "0b1", "0o1", "-1"]) {
        const r = await bamf.call("POST", `/api/notifications/${encodeURIComponent(id)}/ack`, { token: bamf.tokens.clerk });
        expectProblem(fromCall(r), 400, "id");
      }
      expect((await bamf.db.notification.findUniqueOrThrow({ where: { id: n.id } })).acknowledgedAt).to.equal(null);
      const ok = await bamf.call("POST", `/api/notifications/${n.id}/ack`, { token: bamf.tokens.clerk });
      expect(ok.status, ok.text).to.equal(200);
    });

    for (const [path, param] of [
      ["/api/notifications", "offset"],
      ["/api/notifications", "limit"],
      ["/api/cases", "offset"],
      ["/api/ledger/status", "limit"],
    ] as const) {
      for (const value of ["%20", "0x10", "1e2", "+5", "5.0", "%2B5"]) {
        it(`refuses ${param}=${value} on ${path}`, async () => {
          const r = await bamf.call("GET", `${path}?${param}=${value}`, { token: bamf.tokens.clerk });
          expectProblem(fromCall(r), 400, param);
        });
      }
    }

    it("still takes plain digits", async () => {
      const r = await bamf.call("GET", "/api/notifications?offset=0&limit=5", { token: bamf.tokens.clerk });
      expect(r.status, r.text).to.equal(200);
    });
  });

  describe("protocol-level inputs, over a raw socket", () => {
    const get = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`;
    const auth = () => `Authorization: Bearer ${bamf.tokens.clerk}\r\n`;
    const cases: { name: string; request: () => string | Buffer; status: number; field?: string }[] = [
      { name: "a GET with a body", request: () => get("/api/notifications", `${auth()}Content-Type: application/json\r\nContent-Length: 7\r\n`) + '{"a":1}', status: 400, field: "body" },
      { name: "a path that is not valid percent-encoding (%zz)", request: () => get("/api/cases/%zz/timeline", auth()), status: 400, field: "path" },
      { name: "an 8,000-character path", request: () => get("/api/" + "a".repeat(8000)), status: 414, field: "path" },
      { name: "an 8,000-character path parameter", request: () => get(`/api/cases/${"a".repeat(8000)}/timeline`, auth()), status: 414, field: "path" },
      { name: "a 17,000-character query", request: () => get(`/api/cases?fileNumber=${"1".repeat(17000)}`, auth()), status: 431 },
      {
        name: "Content-Length and Transfer-Encoding together",
        request: () => `POST /api/cases HTTP/1.1\r\nHost: localhost\r\n${auth()}Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        status: 400,
        field: "request",
      },
      { name: "a negative Content-Length", request: () => `POST /api/cases HTTP/1.1\r\nHost: localhost\r\n${auth()}Content-Length: -1\r\n\r\n`, status: 400, field: "request" },
      { name: "a NUL in a header", request: () => Buffer.from(get("/api/meta", "X-Note: a\0b\r\n"), "latin1"), status: 400, field: "request" },
      { name: "an unknown method", request: () => `FROB /api/meta HTTP/1.1\r\nHost: localhost\r\n\r\n`, status: 400, field: "request" },
      { name: "no Host header", request: () => `GET /api/meta HTTP/1.1\r\n\r\n`, status: 400, field: "Host" },
      { name: "a method HTTP knows but the API does not serve", request: () => `PUT /api/cases HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n`, status: 404 },
    ];
    for (const c of cases) {
      it(`answers ${c.name} with ${c.status} problem+json`, async () => {
        const before = await bamf.counts();
        const answer = parseRaw(await rawExchange(bamf.url, c.request()));
        expectProblem(fromRaw(answer), c.status, c.field);
        expect(answer.headers["x-content-type-options"]).to.equal("nosniff");
        expect(await bamf.counts()).to.deep.equal(before);
      });
    }

    it("lists every protocol-level status in the OpenAPI document, for every operation", async () => {
      const doc = (await bamf.call("GET", "/api/openapi.json")).json as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          for (const status of ["400", "408", "414", "429", "431", "500"]) expect(op.responses, `${method} ${path}`).to.have.property(status);
        }
      }
    });
  });
});
