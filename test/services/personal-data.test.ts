// No personal data on chain: after the demo seeding, every transaction input, every log and every storage
// slot the chain holds is searched for the seeded names, birth dates and file numbers in every encoding
// we could think of (UTF-8, UTF-16, Base64, digits as an ABI word). Reading storage wholesale needs
// anvil's state dump: test code may use it; the services never do.
import { expect } from "chai";
import { gunzipSync } from "node:zlib";
import { startSystem, type System } from "../support/system";
import { seedDemo } from "../../scripts/seed/run";
import { demoPlan } from "../../scripts/seed/plan";

function hexOf(buf: Buffer): string {
  return buf.toString("hex");
}

/** The hex patterns under which `text` could stand on chain. */
function encodings(text: string): string[] {
  const out = [hexOf(Buffer.from(text, "utf8")), hexOf(Buffer.from(text, "utf16le")), hexOf(Buffer.from(text, "utf16le").swap16())];
  out.push(hexOf(Buffer.from(Buffer.from(text, "utf8").toString("base64"), "utf8")));
  const digits = text.replace(/\D/g, "");
  if (digits.length >= 6) out.push(BigInt(digits).toString(16).padStart(64, "0")); // as an ABI word
  return out.map((s) => s.toLowerCase());
}

function personalTexts(): string[] {
  const texts = new Set<string>();
  for (const c of demoPlan()) {
    texts.add(c.fileNumber);
    texts.add(c.fileNumber.replace("-", ""));
    texts.add(c.person.familyName.replace(" (fiktiv)", ""));
    texts.add(c.person.givenNames);
    texts.add(c.person.dateOfBirth);
    texts.add(c.person.dateOfBirth.replace(/-/g, ""));
    const [y, m, d] = c.person.dateOfBirth.split("-");
    texts.add(`${d}.${m}.${y}`);
  }
  return [...texts];
}

describe("personal data never reaches the chain (demo seeding) (anvil only: anvil_dumpState)", function () {
  this.timeout(600_000);
  let sys: System;
  /** every hex field: transaction inputs, log topics and data, and the hex strings of the state dump */
  let corpus = "";
  /** the state dump as text: storage, code, stored blocks */
  let dumpText = "";

  before(async () => {
    sys = await startSystem();
    const seeded = await seedDemo({ BAMF: { url: sys.BAMF.url, token: sys.BAMF.token }, ZAB: { url: sys.ZAB.url, token: sys.ZAB.token } });
    expect(seeded.cases).to.equal(40);

    const p = sys.chain.provider;
    const head = await p.getBlockNumber();
    const parts: string[] = [];
    for (let n = 0; n <= head; n++) {
      const block = await p.send("eth_getBlockByNumber", ["0x" + n.toString(16), true]);
      for (const tx of block.transactions as { input: string }[]) parts.push(tx.input.slice(2));
    }
    const logs = await p.send("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }]);
    for (const l of logs as { topics: string[]; data: string }[]) parts.push(l.data.slice(2), ...l.topics.map((t) => t.slice(2)));
    // Every storage slot (and code, and the stored blocks) as anvil holds them.
    const dump = gunzipSync(Buffer.from(String(await p.send("anvil_dumpState", [])).slice(2), "hex")).toString("utf8");
    for (const m of dump.matchAll(/[0-9a-fA-F]{16,}/g)) parts.push(m[0]);
    corpus = parts.join(" ").toLowerCase();
    dumpText = dump.toLowerCase();
  });

  after(async () => {
    await sys?.stop();
  });

  it("reads a non-trivial chain: the seeded steps and their case references are there", async () => {
    const res = await fetch(`${sys.BAMF.url}/api/cases?fileNumber=${encodeURIComponent(demoPlan()[11].fileNumber)}`, {
      headers: { authorization: `Bearer ${sys.BAMF.token}` },
    });
    const body = (await res.json()) as { cases: { caseRef: string }[] };
    const caseRef = body.cases[0]?.caseRef;
    expect(caseRef, JSON.stringify(body)).to.match(/^0x[0-9a-f]{64}$/);
    // The positive control: the pseudonymous reference is on chain, so the search does find what is there.
    expect(corpus).to.include(caseRef!.slice(2));
    expect(corpus.length).to.be.greaterThan(100_000);
  });

  it("finds no name, birth date or file number in any encoding", () => {
    const hits: string[] = [];
    for (const text of personalTexts()) {
      for (const pattern of encodings(text)) if (corpus.includes(pattern)) hits.push(`${text} as ${pattern}`);
      // As plain text only where it cannot be read as hex digits by chance (names, dates with separators).
      if (/[^0-9a-f]/i.test(text) && dumpText.includes(text.toLowerCase())) hits.push(`${text} as text`);
    }
    expect(hits).to.deep.equal([]);
  });

  it("shows auditors no name, birth date or file number in any list, search, export or timeline", async () => {
    const get = async (agency: "BAMF" | "ZAB", path: string, token: string) => {
      const res = await fetch(`${sys[agency].url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, `${agency} ${path}`).to.equal(200);
      return res.text();
    };
    const texts = personalTexts().filter((t) => t.length >= 4);
    const plan = demoPlan();
    let lists = 0;
    for (const agency of ["BAMF", "ZAB"] as const) {
      const audit = sys[agency].auditToken;
      const clerk = sys[agency].token;
      const bodies = [
        await get(agency, "/api/cases?limit=500", audit),
        await get(agency, "/api/cases?limit=500&sort=name", audit),
        await get(agency, "/api/notifications?limit=500", audit),
        await get(agency, "/api/deadlines?limit=500", audit),
        await get(agency, "/api/exports/cases.csv", audit),
        // names and file numbers are not search terms for auditors: nothing is found
        await get(agency, `/api/cases?q=${encodeURIComponent(plan[3].person.familyName.slice(0, 6))}`, audit),
        await get(agency, `/api/cases?q=${encodeURIComponent(plan[3].fileNumber.slice(0, 5))}`, audit),
      ];
      if (agency === "ZAB") bodies.push(await get(agency, "/api/allocation/proposals?limit=100", audit));
      const cases = JSON.parse(bodies[0]) as { cases: { caseRef: string }[] };
      for (const c of cases.cases.slice(0, 10)) bodies.push(await get(agency, `/api/cases/${c.caseRef}/timeline?limit=500`, audit));
      for (const body of bodies) {
        for (const text of texts) expect(body.includes(text), `${agency}: ${text} in an auditor's answer`).to.equal(false);
        lists++;
      }
      // the positive control: the clerk's lists do name the people
      const clerkList = await get(agency, "/api/cases?limit=500", clerk);
      expect(clerkList).to.contain(plan[3].fileNumber).and.contain(plan[3].person.familyName);
      const clerkSearch = JSON.parse(await get(agency, `/api/cases?q=${encodeURIComponent(plan[3].fileNumber.slice(0, 7))}`, clerk)) as { cases: { fileNumber?: string }[] };
      expect(clerkSearch.cases.map((c) => c.fileNumber)).to.include(plan[3].fileNumber);
    }
    expect(lists).to.be.greaterThan(30);
  });
});
