// Starting the service (services/agency/main.ts): a bad setting stops it with exit code 2 and the
// reason; code lists that differ from the chain's make it refuse to write; with matching code lists it
// records steps and exposes the chain-side metrics.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { register } from "prom-client";
import { runService, type RunningService } from "../../services/agency/main";
import { REPO_ROOT } from "../../services/shared/paths";
import { startTestChain, type TestChain } from "../support/chain";
import { agencyEnv, addCase, queueStep, waitFor, type TestAgency } from "../support/agency";
import { StepWriter } from "../../services/agency/steps/step-writer";

/** The running service's store and adapter, in the shape the test helpers take. */
function asTestAgency(s: RunningService): TestAgency {
  return { agency: s.config.agency, code: s.config.agencyCode, config: s.config, env: {}, db: s.db, chain: s.chain, log: s.log, steps: new StepWriter(s.db), close: () => s.stop() };
}

describe("service start", function () {
  it("exits with code 2 and names the setting when a setting is invalid", async () => {
    const child = spawn(process.execPath, ["--require", "tsx/cjs", join(REPO_ROOT, "services", "agency", "main.ts")], {
      env: { ...process.env, AGENCY: "NOPE", ANKER_CONSORTIUM_KEY: "00".repeat(32) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.once("exit", r));
    expect(code).to.equal(2);
    expect(stderr).to.include("AGENCY_CODE is required for agency NOPE");
  });

  describe("with code lists that differ from the chain's", () => {
    let chain: TestChain;
    let service: RunningService;

    before(async () => {
      chain = await startTestChain({ codeListHash: keccak256(toUtf8Bytes("another code-list version")) });
      service = await runService({ env: agencyEnv(chain, "ZAB"), withApi: false });
    });

    after(async () => {
      await service.stop();
      await chain.dispose();
    });

    it("refuses to write and says why, while the rest of the service runs", async () => {
      const zab = asTestAgency(service);
      const step = await queueStep(zab, await addCase(zab), "REGISTERED");
      service.side.writer.wake();
      await waitFor(() => service.side.writer.status === "refused", "writer refuses");
      expect(service.side.writer.refusedBecause).to.match(/local code lists \(hash 0x[0-9a-f]{64}\) differ from the version in force on chain/);
      // The refusal comes before any send: the step is still queued, and the writer loop has ended.
      expect((await service.db.step.findUniqueOrThrow({ where: { id: step.id } })).state).to.equal("queued");
      expect(await zab.chain.transactionCount("latest")).to.equal(0);
      // The listener still reads the chain.
      await waitFor(() => service.side.listener.lagBlocks() !== undefined, "listener polling");
    });
  });

  describe("with matching code lists", () => {
    let chain: TestChain;
    let service: RunningService;

    before(async () => {
      chain = await startTestChain();
      service = await runService({ env: agencyEnv(chain, "BAMF"), withApi: false });
    });

    after(async () => {
      await service.stop();
      await chain.dispose();
    });

    it("records a queued step and exposes queue depth, submission latency and listener lag", async () => {
      const bamf = asTestAgency(service);
      const step = await queueStep(bamf, await addCase(bamf), "APPLICATION_FILED");
      service.side.writer.wake();
      await waitFor(async () => (await service.db.step.findUniqueOrThrow({ where: { id: step.id } })).state === "confirmed", "step confirmed");
      await waitFor(() => service.db.ledgerEvent.findFirst({ where: { eventId: step.ledgerEventId.toString() } }), "own event stored by the listener");
      expect(service.side.writer.status).to.equal("running");

      const text = await register.metrics();
      expect(text).to.match(/^anker_outbox_queue_depth \d+$/m);
      expect(text).to.match(/^anker_submission_latency_seconds_count [1-9]\d*$/m);
      expect(text).to.match(/^anker_listener_lag_blocks \d+$/m);
    });
  });
});
