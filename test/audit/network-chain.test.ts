// The audit over a real ledger (throwaway anvil) whose network and code lists change by vote mid-history:
// deployed with code-list version 2026.1 (the two pilot types), a SetCodeList vote puts 2026.2 in force
// (district authorities, arrival steps), a district authority joins by vote, records arrival for a person
// allocated to its district, and is removed by vote. Steps before the change verify under 2026.1, steps
// after under 2026.2; the audit lists who was a member when and finds nothing.
import { expect } from "chai";
import { encodeBytes32String, keccak256, parseEther, toUtf8Bytes, Wallet } from "ethers";
import { AuditEngine } from "../../services/audit/engine";
import { compareHeads } from "../../services/audit/replay";
import { initFastKeccak } from "../../services/shared/keccak";
import { agencyEntries } from "../../services/audit/phases/report";
import { arrivalsOf } from "../../services/audit/compliance";
import { STEP as S } from "../../services/audit/rules";
import { CODE_LIST_VERSIONS, codeListHash, typeRightsOf, type CodeLists } from "../../services/shared/codelists";
import { ProcedureLedger__factory } from "../../typechain-types";
import type { RpcBlock, RpcLog } from "../../services/audit/types";
import { startTestChain, type TestChain } from "../support/chain";
import { LedgerWriter } from "./support/writer";
import { mined } from "../../services/shared/mined";

const [V1, V2] = CODE_LIST_VERSIONS;
const hashOf = (raw: unknown) => codeListHash(raw as CodeLists);

async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return ((await res.json()) as { result: T }).result;
}

/** The audit's streaming part over the whole chain from the deployment block, as the fetch phase feeds it. */
async function audit(c: TestChain): Promise<AuditEngine> {
  const d = c.deployment;
  const ledger = d.contracts.ProcedureLedger.address.toLowerCase();
  const head = Number(await rpc<string>(c.rpcUrl, "eth_blockNumber", []));
  const blocks: RpcBlock[] = [];
  for (let n = d.block; n <= head; n++) blocks.push(await rpc<RpcBlock>(c.rpcUrl, "eth_getBlockByNumber", ["0x" + n.toString(16), false]));
  const logs = await rpc<RpcLog[]>(c.rpcUrl, "eth_getLogs", [{ address: ledger, fromBlock: "0x" + d.block.toString(16), toBlock: "0x" + head.toString(16) }]);
  const engine = new AuditEngine({ ledger, fromBlock: d.block, toBlock: head, anchorHash: d.blockHash });
  engine.pushRange(blocks, logs);
  engine.finish();
  const iface = ProcedureLedger__factory.createInterface();
  const heads = new Map<string, { head: string; stepCount: number }>();
  for (const caseRef of engine.replayer.caseList) {
    const [h, n] = iface.decodeFunctionResult("caseHead", await rpc<string>(c.rpcUrl, "eth_call", [{ to: ledger, data: iface.encodeFunctionData("caseHead", [caseRef]) }, "0x" + head.toString(16)]));
    heads.set(caseRef, { head: h, stepCount: Number(n) });
  }
  compareHeads(engine.replayer, heads, engine.sink);
  return engine;
}

describe("audit: code-list vote and onboarding mid-history (throwaway anvil)", function () {
  let chain: TestChain;
  before(async () => {
    await initFastKeccak();
    chain = await startTestChain({ codeLists: V1.lists, codeListHash: hashOf(V1.raw) });
  });
  after(async () => {
    await chain?.dispose();
  });

  it("verifies steps under the version in force at their block and lists the membership history", async () => {
    const address = chain.deployment.contracts.ProcedureLedger.address;
    const bamf = chain.wallets.BAMF.connect(chain.provider);
    const zab = chain.wallets.ZAB.connect(chain.provider);
    const district = new Wallet(Wallet.createRandom().privateKey, chain.provider);
    await chain.provider.send("anvil_setBalance", [district.address, "0x" + parseEther("10").toString(16)]);
    const pilots = new LedgerWriter(chain.provider, address, { 1: bamf, 2: zab });
    const bautzen = keccak256(toUtf8Bytes("allocated to Bautzen"));
    const dresden = keccak256(toUtf8Bytes("allocated to Dresden"));
    // Under 2026.1: registered, good prospects, allocated.
    for (const [caseRef, ags] of [[bautzen, 14625], [dresden, 14612]] as const) {
      await pilots.record([{ agency: 2, caseRef, step: S.REGISTERED }]);
      await pilots.record([{ agency: 1, caseRef, step: S.PROSPECTS_ASSESSED, detail: 1 }]);
      await pilots.record([{ agency: 2, caseRef, step: S.MUNICIPAL_ALLOCATION, detail: ags }]);
    }

    // The vote for 2026.2 (BAMF proposes, ZAB approves: a majority of two), then the district joins by vote.
    const asBamf = ProcedureLedger__factory.connect(address, bamf);
    const asZab = ProcedureLedger__factory.connect(address, zab);
    // (Nonces read afresh: ethers caches getTransactionCount briefly, and the writer sent from these keys.)
    const nonce = async (w: Wallet) => ({ nonce: Number(await chain.provider.send("eth_getTransactionCount", [w.address, "pending"])) });
    await mined(await asBamf.proposeCodeList(hashOf(V2.raw), encodeBytes32String(V2.lists.version), typeRightsOf(V2.lists), await nonce(bamf)));
    await mined(await asZab.approve((await asBamf.proposalCount()) - 1n, await nonce(zab)));
    expect(await asBamf.codeListHash()).to.equal(hashOf(V2.raw));
    await mined(await asBamf.proposeAddMember(district.address, 3, 3, 14625, "Landratsamt Bautzen, Ausländerbehörde", await nonce(bamf)));
    await mined(await asZab.approve((await asBamf.proposalCount()) - 1n, await nonce(zab)));
    const joinedAt = Number(await chain.provider.send("eth_blockNumber", []));

    const lra = new LedgerWriter(chain.provider, address, { 3: district });
    await lra.record([{ agency: 3, caseRef: bautzen, step: S.ALLOCATION_RECEIVED }]);
    await lra.record([{ agency: 3, caseRef: bautzen, step: S.ARRIVED_REGISTERED }]);
    // A person allocated to another district is refused by the contract, naming the rule.
    const { struct } = lra.prepare({ agency: 3, caseRef: dresden, step: S.ARRIVED_REGISTERED });
    const refused = await ProcedureLedger__factory.connect(address, district)
      .record.staticCall(struct)
      .then(
        () => "",
        (err: Error) => err.message,
      );
    expect(refused).to.contain("NotAllocatedToDistrict");

    // Removed by vote (three agencies now: two approvals), after which its writes stop.
    await mined(await asBamf.proposeRemoveMember(district.address, await nonce(bamf)));
    await mined(await asZab.approve((await asBamf.proposalCount()) - 1n, await nonce(zab)));
    const removedAt = Number(await chain.provider.send("eth_blockNumber", []));

    const engine = await audit(chain);
    const r = engine.replayer;
    expect(engine.sink.findings.map((f) => `${f.kind}: ${f.message}`)).to.deep.equal([]);
    expect(r.codeListEpochs.map((e) => [e.known?.version, e.rightsMatch, e.steps])).to.deep.equal([
      ["2026.1", true, 6],
      ["2026.2", true, 2],
    ]);
    const entries = agencyEntries(r);
    expect(entries.map((a) => [a.agency, a.typeKey, a.scope, a.memberAtHead])).to.deep.equal([
      [1, "FEDERAL_OFFICE", 14, true],
      [2, "CENTRAL_AUTHORITY", 14, true],
      [3, "DISTRICT_AUTHORITY", 14625, false],
    ]);
    expect(entries[2]).to.deep.include({ name: "Landratsamt Bautzen, Ausländerbehörde", joinedBlock: joinedAt });
    expect(entries[2].accounts).to.deep.equal([{ account: district.address.toLowerCase(), fromBlock: joinedAt, toBlock: removedAt }]);
    const arrivals = arrivalsOf(r, { asOf: engine.headers.timestampAt(engine.opts.toBlock)!, allocationDays: 30, arrivalOverdueDays: 14 });
    expect(arrivals.byDistrict.map((d) => [d.district, d.arrived, d.awaiting])).to.deep.equal([
      [14612, 0, 1],
      [14625, 1, 0],
    ]);
  });
});
