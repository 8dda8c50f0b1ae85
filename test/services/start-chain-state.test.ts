// The local chain's state survives a cut-off state file (issue 15): anvil rewrites state.json in place, so a
// crash during a write leaves it truncated. With keepGoodState (npm start, npm run chain) a verified copy is
// kept, and a start on a truncated file falls back to it with a clear message. Real anvil, temporary folder.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { startAnvil, stopAnvil, waitForChain } from "../../scripts/lib/anvil";
import { GOOD_COPY, STATE_FILE, keepGoodCopy, parseState } from "../../scripts/lib/chain-state-file";
import { freePort } from "../support/chain";

async function rpc(url: string, method: string, params: unknown[] = []): Promise<string> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return ((await res.json()) as { result: string }).result;
}

describe("local chain state file (real anvil)", function () {
  this.timeout(60_000);
  let dir: string;
  let url: string;
  let port: number;
  let anvil: ChildProcess | undefined;
  const said: string[] = [];
  const start = () => {
    anvil = startAnvil({ port, stateDir: dir, keepGoodState: { say: (m) => said.push(m) } });
    return waitForChain(url);
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "anker-chainstate-"));
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    said.length = 0;
  });

  afterEach(async () => {
    if (anvil) await stopAnvil(anvil);
    anvil = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps a verified copy on every start and falls back to it, with a message, when state.json is cut off", async () => {
    await start();
    await rpc(url, "anvil_mine", ["0x5"]);
    await stopAnvil(anvil!);
    await start(); // a clean start: state.json (block 5) becomes the good copy
    expect(said).to.deep.equal([]);
    expect(parseState(readFileSync(join(dir, GOOD_COPY)))).to.deep.equal({ block: 5 });
    await rpc(url, "anvil_mine", ["0x3"]);
    await stopAnvil(anvil!);
    expect(parseState(readFileSync(join(dir, STATE_FILE)))).to.deep.equal({ block: 8 });

    // A crash in the middle of a write: half the file.
    truncateSync(join(dir, STATE_FILE), Math.floor(statSync(join(dir, STATE_FILE)).size / 2));
    await start();
    expect(Number(await rpc(url, "eth_blockNumber"))).to.equal(5);
    expect(said).to.have.length(1);
    expect(said[0]).to.match(/The chain state .*state\.json cannot be read .*cut off.*kept as .*state\.broken-.*\.json.*continues from the last good copy .*state\.good\.json \(block 5/);
    const broken = readdirSync(dir).filter((f) => f.startsWith("state.broken-"));
    expect(broken, "the cut-off file is kept for inspection").to.have.length(1);
    expect("error" in parseState(readFileSync(join(dir, broken[0])))).to.equal(true);
    // The chain goes on from block 5.
    await rpc(url, "anvil_mine", ["0x1"]);
    expect(Number(await rpc(url, "eth_blockNumber"))).to.equal(6);
  });

  it("refuses to start, changing nothing and saying what to do, when there is no good copy to fall back on", () => {
    writeFileSync(join(dir, STATE_FILE), '{"block":{"number":"0x5"},"accounts":{');
    expect(() => startAnvil({ port, stateDir: dir, keepGoodState: { say: (m) => said.push(m) } })).to.throw(/cannot be read .* there is no good copy .*Nothing was changed.*move .* aside/);
    expect(readFileSync(join(dir, STATE_FILE), "utf8")).to.equal('{"block":{"number":"0x5"},"accounts":{');
    expect(existsSync(join(dir, GOOD_COPY))).to.equal(false);
  });

  it("a periodic copy leaves the good copy alone while state.json is unreadable (mid-write)", async () => {
    await start();
    await rpc(url, "anvil_mine", ["0x2"]);
    await stopAnvil(anvil!);
    anvil = undefined;
    expect(keepGoodCopy(dir)).to.equal(2);
    const good = readFileSync(join(dir, GOOD_COPY));
    writeFileSync(join(dir, STATE_FILE), "{\"block\":");
    expect(keepGoodCopy(dir)).to.equal(undefined);
    expect(readFileSync(join(dir, GOOD_COPY)).equals(good)).to.equal(true);
  });
});
