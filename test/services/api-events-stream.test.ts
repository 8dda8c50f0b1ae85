// The live stream (GET /api/events/stream) in the running agency services on a throwaway anvil: a clerk's
// stream receives the partner's step, the stop it raises, and its own step's progress to the chain; a
// stream that reconnects with Last-Event-ID receives what it missed; an auditor's stream carries no
// personal data. Read over real HTTP with fetch, parsed as the browser's EventSource parses it.
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { startTestChain, freePort, type TestChain } from "../support/chain";
import { runService, type RunningService } from "../../services/agency/main";
import { ensureApiClient } from "../../services/agency/auth/bootstrap";
import type { AgencyKey } from "../../services/shared/codelists";

interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** An open stream: its events so far, and a way to wait for one. */
class Stream {
  readonly events: SseEvent[] = [];
  readonly raw: string[] = [];
  status = 0;
  ended = false;
  contentType = "";
  private readonly abort = new AbortController();
  private buffer = "";
  private waiters: (() => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  async open(): Promise<this> {
    const res = await fetch(this.url, { headers: this.headers, signal: this.abort.signal });
    this.status = res.status;
    this.contentType = res.headers.get("content-type") ?? "";
    if (!res.body) return this;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            this.ended = true;
            for (const w of this.waiters.splice(0)) w();
            break;
          }
          this.raw.push(value);
          this.buffer += value;
          let i;
          while ((i = this.buffer.indexOf("\n\n")) >= 0) {
            const block = this.buffer.slice(0, i);
            this.buffer = this.buffer.slice(i + 2);
            const e: SseEvent = { event: "message", data: "" };
            let hasData = false;
            for (const line of block.split("\n")) {
              if (line.startsWith(":")) continue;
              const [field, ...rest] = line.split(":");
              const value = rest.join(":").replace(/^ /, "");
              if (field === "event") e.event = value;
              if (field === "id") e.id = value;
              if (field === "data") {
                e.data += (hasData ? "\n" : "") + value;
                hasData = true;
              }
            }
            if (hasData) this.events.push(e);
          }
          for (const w of this.waiters.splice(0)) w();
        }
      } catch {
        /* aborted */
      }
    })();
    return this;
  }

  async waitFor(what: string, pred: (e: SseEvent) => boolean, timeoutMs = 30_000): Promise<SseEvent> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`no ${what} on the stream; got ${JSON.stringify(this.events.map((e) => e.event + " " + e.data))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** The id the browser would send as Last-Event-ID: the last id seen. */
  lastEventId(): string | undefined {
    return this.events.filter((e) => e.id !== undefined).at(-1)?.id;
  }

  close(): void {
    this.abort.abort();
  }
}

const data = (e: SseEvent) => JSON.parse(e.data) as Record<string, unknown>;

describe("API: live event stream (server-sent events)", function () {
  this.timeout(180_000);
  let chain: TestChain;
  const svc = {} as Record<AgencyKey, RunningService>;
  const url = {} as Record<AgencyKey, string>;
  const token: Record<string, string> = { BAMF: "sse-bamf-clerk-token-1234567", ZAB: "sse-zab-clerk-token-12345678" };
  const auditToken = { BAMF: "sse-bamf-audit-token-123456", ZAB: "sse-zab-audit-token-1234567" };
  const streams: Stream[] = [];
  const person = { familyName: "Haddad (fiktiv)", givenNames: "Lina", dateOfBirth: "1991-03-14", nationality: "SYR" };

  async function call(agency: AgencyKey, method: string, path: string, body?: unknown) {
    const res = await fetch(url[agency] + path, {
      method,
      headers: { authorization: `Bearer ${token[agency]}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, json: (await res.json()) as any };
  }

  const open = (agency: AgencyKey, t: string, extra: Record<string, string> = {}) => {
    const s = new Stream(`${url[agency]}/api/events/stream`, { authorization: `Bearer ${t}`, accept: "text/event-stream", ...extra });
    streams.push(s);
    return s.open();
  };

  async function newCase(fileNumber: string): Promise<string> {
    const refs = await Promise.all((["ZAB", "BAMF"] as const).map(async (a) => (await call(a, "POST", "/api/cases", { fileNumber, person })).json.caseRef as string));
    expect(refs[0]).to.equal(refs[1]);
    return refs[0];
  }

  before(async () => {
    chain = await startTestChain();
    for (const agency of ["BAMF", "ZAB"] as const) {
      const port = await freePort();
      svc[agency] = await runService({
        env: {
          AGENCY: agency,
          ANKER_DATA_DIR: chain.dataDir,
          ANKER_RPC_URL: chain.rpcUrl,
          ANKER_CONSORTIUM_KEY: chain.consortiumKeyHex,
          PORT: String(port),
          OUTBOX_POLL_MS: "50",
          LISTENER_POLL_MS: "50",
          LOG_LEVEL: "silent",
        },
        withApi: true,
      });
      url[agency] = `http://127.0.0.1:${port}`;
      await ensureApiClient(svc[agency].db, { name: `${agency.toLowerCase()}-sse`, token: token[agency], role: "clerk" });
      await ensureApiClient(svc[agency].db, { name: `${agency.toLowerCase()}-sse-audit`, token: auditToken[agency], role: "auditor" });
    }
  });
  after(async () => {
    for (const s of streams) s.close();
    for (const s of Object.values(svc)) await s?.stop();
    await chain?.dispose();
  });

  it("needs a login, and answers text/event-stream with a ready event carrying the cursor", async () => {
    const anon = await fetch(`${url.BAMF}/api/events/stream`);
    expect(anon.status).to.equal(401);
    await anon.body?.cancel();
    const s = await open("BAMF", token.BAMF);
    expect(s.status).to.equal(200);
    expect(s.contentType).to.match(/^text\/event-stream/);
    const ready = await s.waitFor("ready", (e) => e.event === "ready");
    expect(ready.id).to.match(/^\d+\.\d+$/);
    expect(s.raw.join("")).to.match(/^retry: \d+\n\n/);
    s.close();
  });

  it("pushes the partner's stop, its own step's progress, and what was missed after a reconnect", async () => {
    const bamf = await open("BAMF", token.BAMF);
    await bamf.waitFor("ready", (e) => e.event === "ready");
    const caseRef = await newCase("9200001-423");

    // The partner (ZAB) schedules a repatriation without a negative decision: a stop at both agencies.
    const rec = await call("ZAB", "POST", `/api/cases/${caseRef}/steps`, { eventId: randomUUID(), step: "REPATRIATION_SCHEDULED", businessDate: "2027-02-10" });
    expect(rec.status, JSON.stringify(rec.json)).to.equal(202);
    const stop = await bamf.waitFor("STOP notification", (e) => e.event === "notification" && data(e).kind === "STOP" && data(e).caseRef === caseRef);
    expect(stop.id).to.match(/^\d+\.\d+$/);
    expect(data(stop)).to.have.keys(["id", "kind", "caseRef", "priority"]);
    await bamf.waitFor("the partner's ledger event", (e) => e.event === "ledger" && data(e).caseRef === caseRef && data(e).name === "StepRecorded");

    // Its own step: queued -> … -> confirmed on BAMF's stream (no cursor: progress is asked again after a drop).
    const own = await call("BAMF", "POST", `/api/cases/${caseRef}/steps`, { eventId: randomUUID(), step: "APPLICATION_FILED" });
    expect(own.status).to.equal(202);
    const confirmed = await bamf.waitFor("own step confirmed", (e) => e.event === "step" && data(e).eventId === own.json.eventId && data(e).state === "confirmed");
    expect(confirmed.id).to.equal(undefined);
    expect(data(confirmed).blockNumber).to.be.a("number");

    // Drop the connection; meanwhile the partner records a follow-up stop's cause on another case.
    const last = bamf.lastEventId();
    expect(last).to.match(/^\d+\.\d+$/);
    bamf.close();
    const caseRef2 = await newCase("9200002-423");
    const rec2 = await call("ZAB", "POST", `/api/cases/${caseRef2}/steps`, { eventId: randomUUID(), step: "REPATRIATION_SCHEDULED", businessDate: "2027-02-11" });
    expect(rec2.status).to.equal(202);
    // wait until BAMF's listener has stored it (so it was missed, not merely late)
    const end = Date.now() + 30_000;
    while ((await svc.BAMF.db.notification.count({ where: { caseRef: caseRef2, kind: "STOP" } })) === 0) {
      if (Date.now() > end) throw new Error("BAMF never stored the second stop");
      await new Promise((r) => setTimeout(r, 50));
    }

    const again = await open("BAMF", token.BAMF, { "last-event-id": last! });
    const ready = await again.waitFor("ready", (e) => e.event === "ready");
    expect((data(ready).catchUp as number) > 0).to.equal(true);
    const missed = await again.waitFor("missed stop", (e) => e.event === "notification" && data(e).kind === "STOP" && data(e).caseRef === caseRef2);
    expect(again.events.indexOf(missed)).to.be.below(again.events.length);
    // nothing from before the cursor comes again
    const [ledgerSeen, notificationSeen] = last!.split(".").map(Number);
    for (const e of again.events) {
      if (e.event === "notification") expect(data(e).id as number).to.be.above(notificationSeen);
      if (e.event === "ledger") expect(data(e).id as number).to.be.above(ledgerSeen);
    }

    // The query parameter does the same for clients that cannot set the header; an unknown cursor: resync.
    const viaQuery = await new Stream(`${url.BAMF}/api/events/stream?lastEventId=${encodeURIComponent(last!)}`, { authorization: `Bearer ${token.BAMF}` }).open();
    streams.push(viaQuery);
    await viaQuery.waitFor("missed stop via query", (e) => e.event === "notification" && data(e).caseRef === caseRef2);
    const future = await open("BAMF", token.BAMF, { "last-event-id": "999999999.999999999" });
    await future.waitFor("resync", (e) => e.event === "resync");
  });

  it("gives auditors the same ids and never personal data", async () => {
    const audit = await open("ZAB", auditToken.ZAB);
    await audit.waitFor("ready", (e) => e.event === "ready");
    const fileNumber = "9200003-423";
    const caseRef = await newCase(fileNumber);
    const rec = await call("ZAB", "POST", `/api/cases/${caseRef}/steps`, { eventId: randomUUID(), step: "REPATRIATION_SCHEDULED", businessDate: "2027-02-12" });
    expect(rec.status).to.equal(202);
    await audit.waitFor("stop for the auditor", (e) => e.event === "notification" && data(e).kind === "STOP" && data(e).caseRef === caseRef);
    await audit.waitFor("step progress", (e) => e.event === "step" && data(e).state === "confirmed" && data(e).caseRef === caseRef);
    const text = audit.raw.join("");
    for (const personal of [fileNumber, person.familyName, person.givenNames, person.dateOfBirth, "Haddad", "Lina"]) expect(text).to.not.include(personal);
  });

  it("ends open streams when the service stops (no hanging shutdown)", async () => {
    const s = await open("ZAB", token.ZAB);
    await s.waitFor("ready", (e) => e.event === "ready");
    await svc.ZAB.stop(); // would hang (and the test time out) if the open stream held the server
    await s.waitFor("end of stream", () => s.ended);
  });
});
