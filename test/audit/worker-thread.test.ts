// The commitment worker is a TypeScript module run as a worker thread: it must start both under mocha
// (this process, `-r tsx`) and under the tsx command that `npm run audit` uses, where a worker does not
// inherit a loader it can use (commitment-worker.ts).
import { expect } from "chai";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { CommitmentWorker } from "../../services/audit/commitment-worker";
import { tableOf } from "../../services/audit/export-table";
import { fastCommitmentOf, initFastKeccak } from "../../services/shared/keccak";

const PROBE = join(__dirname, "support", "worker-probe.ts");

describe("audit: the commitment worker thread", function () {
  it("starts under mocha -r tsx", async () => {
    await initFastKeccak();
    const x = { agency: 2, source: "t", lines: [{ ledgerEventId: String((2n << 56n) | 3n), caseRef: "0x" + "11".repeat(32), salt: "0x" + "22".repeat(32), dataDigest: "0x" + "33".repeat(32) }] };
    const worker = await CommitmentWorker.start();
    expect(worker, "the worker did not start").to.not.equal(undefined);
    const pre = await worker!.linesOf(tableOf(x.lines), 0, 1);
    worker!.close();
    expect(Buffer.from(pre!.commitments).toString("hex")).to.equal(fastCommitmentOf(x.lines[0].salt, x.lines[0].dataDigest).slice(2));
  });

  it("starts under the tsx command (npm run audit)", async () => {
    const tsxCli = require.resolve("tsx/cli");
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [tsxCli, PROBE], { env: { ...process.env, FORCE_COLOR: "0" } }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
    );
    expect(JSON.parse(out.trim())).to.deep.equal({ worker: true, matches: true });
  });
});
