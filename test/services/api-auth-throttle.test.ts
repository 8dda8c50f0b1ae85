// Login throttling (BSI practice): failed password logins counted per account and per source address; past
// the limit 429 with Retry-After and a delay that doubles, until a success resets the account. The base
// delay is one second here, so waiting it out is quick; the checks are on statuses and headers. Each test
// logs in from an address of its own (127.0.0.x: all of 127/8 is this machine), so the counters of one
// test do not reach into the next.
import { expect } from "chai";
import { request } from "node:http";
import { startTestChain, type TestChain } from "../support/chain";
import { startApi, chainPortFor, type ApiHarness } from "../support/api-harness";

const THROTTLE = { accountFailures: 5, sourceFailures: 8, baseMs: 1000, maxMs: 60_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

describe("API: login throttling per account and per source", function () {
  this.timeout(120_000);
  let chain: TestChain;
  let api: ApiHarness;

  before(async () => {
    chain = await startTestChain();
    api = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF"), config: { loginThrottle: THROTTLE } });
  });
  after(async () => {
    await api?.close();
    await chain?.dispose();
  });

  /** POST /api/session from the local address `from`. */
  function attempt(from: string, username: string, password: string): Promise<Answer> {
    const url = new URL("/api/session", api.url);
    const body = JSON.stringify({ username, password });
    return new Promise((resolve, reject) => {
      const req = request(url, { method: "POST", localAddress: from, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : undefined }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  it("delays an account after 5 failures (429, Retry-After, a clear message), doubling, and a success resets it", async () => {
    const from = "127.0.0.11";
    for (let i = 1; i <= 5; i++) expect((await attempt(from, "bamf.clerk", `wrong-password-${i}`)).status, `failure ${i}`).to.equal(401);

    // even the right password waits: the password is not looked at while the account is delayed
    const held = await attempt(from, "bamf.clerk", api.passwords.clerk);
    expect(held.status).to.equal(429);
    expect(held.headers["retry-after"]).to.equal("1");
    expect(held.headers["content-type"]).to.match(/^application\/problem\+json/);
    expect(held.json.detail).to.equal("Zu viele fehlgeschlagene Anmeldungen; erneut möglich in 1 Sekunden / Too many failed logins; try again in 1 seconds");
    expect(held.json.retryAfterSeconds).to.equal(1);
    expect(held.headers["set-cookie"]).to.equal(undefined);
    // the account is delayed from every address
    expect((await attempt("127.0.0.21", "bamf.clerk", api.passwords.clerk)).status).to.equal(429);

    // after the delay, one more failure: the next delay is twice as long
    await sleep(1100);
    expect((await attempt(from, "bamf.clerk", "wrong-password-6")).status).to.equal(401);
    const doubled = await attempt(from, "bamf.clerk", api.passwords.clerk);
    expect(doubled.status).to.equal(429);
    expect(doubled.headers["retry-after"]).to.equal("2");

    // after that delay the right password opens a session and the account starts afresh
    await sleep(2100);
    const ok = await attempt(from, "bamf.clerk", api.passwords.clerk);
    expect(ok.status).to.equal(200);
    expect(ok.json.role).to.equal("clerk");
    expect((await attempt(from, "bamf.clerk", "wrong-password-7")).status).to.equal(401);
    expect((await attempt(from, "bamf.clerk", api.passwords.clerk)).status).to.equal(200);
  });

  it("delays every account from a source that failed too often; other sources are not delayed", async () => {
    const from = "127.0.0.12";
    // 8 failures spread over accounts that exist and accounts that do not: none reaches 5 on its own
    const names = ["bamf.auditor", "bamf.admin", "nobody.one", "nobody.two"];
    for (let i = 0; i < THROTTLE.sourceFailures; i++) {
      expect((await attempt(from, names[i % names.length], `wrong-password-${i}`)).status, `failure ${i + 1}`).to.equal(401);
    }
    const another = await attempt(from, "bamf.clerk", api.passwords.clerk);
    expect(another.status).to.equal(429);
    expect(another.headers["retry-after"]).to.equal("1");
    // the same accounts from another address: each has only 2 failures
    expect((await attempt("127.0.0.13", "bamf.auditor", api.passwords.auditor)).status).to.equal(200);
    // a success does not reset the source: its next failure doubles the delay
    await sleep(1100);
    expect((await attempt(from, "bamf.admin", api.passwords.admin)).status).to.equal(200);
    expect((await attempt(from, "nobody.three", "wrong-password")).status).to.equal(401);
    const again = await attempt(from, "bamf.clerk", api.passwords.clerk);
    expect(again.status).to.equal(429);
    expect(again.headers["retry-after"]).to.equal("2");
  });

  it("writes no table for a refused or delayed login (the counters live in the service)", async () => {
    const rows = async () => {
      const tables = await api.db.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
      const counts: Record<string, number> = {};
      for (const t of tables) counts[t.name] = Number((await api.db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${t.name}"`))[0].n);
      return counts;
    };
    const before = await rows();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt("127.0.0.14", "nobody.four", `wrong-password-${i}`)).status);
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429, 429]);
    expect(await rows()).to.deep.equal(before);
  });

  it("documents 403 and 429 on the login in the OpenAPI document", async () => {
    const doc = (await api.call("GET", "/api/openapi.json")).json;
    expect(Object.keys(doc.paths["/api/session"].post.responses)).to.include.members(["200", "401", "403", "429"]);
  });
});
