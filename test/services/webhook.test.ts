// Webhook delivery to a real local HTTP server: HMAC signature over the raw body, retry with backoff after
// a failure, the delivery state in the Notification row, giving up after the last attempt.
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { OutboxWriter } from "../../services/agency/outbox/writer";
import { LedgerListener } from "../../services/agency/listener/listener";
import { WebhookDelivery } from "../../services/agency/notifications/webhook";
import { verifySignature } from "../../services/agency/notifications/signature";
import { startTestChain, type TestChain } from "../support/chain";
import { openTestAgency, addCase, queueStep, waitFor, LOCAL_CODE_LIST_HASH, type TestAgency } from "../support/agency";

const SECRET = "webhook-test-secret-0123456789";

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  status: number;
}

describe("webhook delivery", function () {
  let chain: TestChain;
  let bamf: TestAgency;
  let zab: TestAgency;
  let server: Server;
  let baseUrl: string;
  const received: Received[] = [];
  let failFirst = true;

  before(async () => {
    chain = await startTestChain();
    bamf = await openTestAgency(chain, "BAMF");
    zab = await openTestAgency(chain, "ZAB");
    server = createServer((req, res) => {
      let raw = "";
      req.on("data", (d) => (raw += d));
      req.on("end", () => {
        // /ok fails its very first request, /down always fails.
        const status = req.url === "/down" || failFirst ? 503 : 204;
        failFirst = false;
        received.push({ path: req.url ?? "", headers: req.headers, raw, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((r) => server.close(r));
    await bamf.close();
    await zab.close();
    await chain.dispose();
  });

  it("posts each notification signed with HMAC-SHA-256 and retries after a failure until delivered", async () => {
    const writer = new OutboxWriter(bamf.db, bamf.chain, bamf.log, { agencyCode: bamf.code, batchSize: 10, pollMs: 20, localCodeListHash: LOCAL_CODE_LIST_HASH });
    const delivery = new WebhookDelivery(zab.db, zab.log, { url: `${baseUrl}/ok`, secret: SECRET, agency: "ZAB", baseDelayMs: 100, pollMs: 50 });
    const listener = new LedgerListener(zab.db, zab.chain, zab.log, {
      agency: "ZAB",
      pollMs: 50,
      deploymentBlockHash: chain.deployment.blockHash,
      webhook: true,
      onNotifications: () => delivery.wake(),
    });
    writer.start();
    listener.start();
    delivery.start();
    try {
      // A BAMF filing before registration: the ZAB gets a forward and an alert.
      const c = await addCase(bamf, "webhook-case");
      const step = await queueStep(bamf, c, "APPLICATION_FILED");
      writer.wake();
      const rows = await waitFor(async () => {
        const n = await zab.db.notification.findMany({ where: { eventId: step.ledgerEventId.toString() } });
        return n.length === 2 && n.every((x) => x.deliveryState === "delivered") ? n : undefined;
      }, "both notifications delivered");

      const ok = received.filter((r) => r.path === "/ok");
      for (const r of ok) {
        expect(verifySignature(SECRET, r.raw, r.headers["x-anker-signature"] as string), "signature over the raw body").to.equal(true);
        const body = JSON.parse(r.raw);
        expect(String(body.timestamp)).to.equal(r.headers["x-anker-timestamp"]);
        expect(body).to.include({ agency: "ZAB", caseRef: c.caseRef, ledgerEventId: step.ledgerEventId.toString() });
        expect(["FORWARD", "ALERT"]).to.include(body.kind);
      }
      // A signature does not survive a changed body.
      expect(verifySignature(SECRET, ok[0].raw.replace("ZAB", "BAMF"), ok[0].headers["x-anker-signature"] as string)).to.equal(false);

      // The first request failed; that notification was delivered on its second attempt.
      const first = JSON.parse(ok[0].raw);
      expect(ok[0].status).to.equal(503);
      const attempts = ok.filter((r) => JSON.parse(r.raw).id === first.id);
      expect(attempts.map((r) => [JSON.parse(r.raw).attempt, r.status])).to.deep.equal([
        [1, 503],
        [2, 204],
      ]);
      const retried = rows.find((n) => n.id === first.id)!;
      expect(retried).to.include({ deliveryState: "delivered", deliveryAttempts: 2, lastDeliveryError: null });
      const other = rows.find((n) => n.id !== first.id)!;
      expect(other).to.include({ deliveryState: "delivered", deliveryAttempts: 1 });
      // Stop warnings and alerts go out before forwards: priority order.
      expect(rows.map((n) => n.priority).sort()).to.deep.equal([2, 3]);
    } finally {
      await writer.stop();
      await listener.stop();
      await delivery.stop();
    }
  });

  it("marks a notification failed after its last attempt, with the last error visible", async () => {
    const n = await zab.db.notification.create({
      data: {
        sourceKey: "test:down",
        kind: "FORWARD",
        priority: 3,
        caseRef: "0x" + "11".repeat(32),
        payload: "{}",
        deliveryState: "pending",
        nextDeliveryAt: new Date(),
      },
    });
    const delivery = new WebhookDelivery(zab.db, zab.log, { url: `${baseUrl}/down`, secret: SECRET, agency: "ZAB", maxAttempts: 3, baseDelayMs: 50, pollMs: 50 });
    delivery.start();
    try {
      const row = await waitFor(async () => {
        const r = await zab.db.notification.findUniqueOrThrow({ where: { id: n.id } });
        return r.deliveryState === "failed" ? r : undefined;
      }, "delivery given up");
      expect(row).to.include({ deliveryAttempts: 3, lastDeliveryError: "HTTP 503", nextDeliveryAt: null });
      expect(received.filter((r) => r.path === "/down" && JSON.parse(r.raw).id === n.id)).to.have.length(3);
    } finally {
      await delivery.stop();
    }
  });
});
