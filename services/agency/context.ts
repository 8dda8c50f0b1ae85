// What the parts of one agency service share. The flow: api -> outbox -> chain adapter -> listener ->
// notifications; each part gets this context and nothing global: what a part keeps in memory between
// requests (the step group commit, caches) hangs off the context, one per service (serviceContext).
import type { Logger } from "pino";
import type { Config } from "./config";
import type { Db } from "./store/db";
import { StepWriter } from "./steps/step-writer";
import { ClientPrincipals } from "./auth/api-clients";
import { LiveHub } from "./live/hub";
import { MembershipReads } from "./directory/chain-reads";

/** The chain as the API sees it (implemented by chain/adapter.ts). */
export interface ChainPort {
  blockNumber(): Promise<number>;
  /** keccak-256 code-list hash recorded on chain */
  codeListHash(): Promise<string>;
  /** open repatriation stop reasons (bit set) of a case */
  openStops(caseRef: string): Promise<number>;
}

/** The outbox as the API sees it (implemented by outbox/writer.ts). */
export interface OutboxPort {
  /** a step was queued: submit soon */
  wake(): void;
}

/** Listener state as the API sees it (implemented by listener/listener.ts). */
export interface ListenerPort {
  /** chain head minus the last block stored, or undefined before the first poll */
  lagBlocks(): number | undefined;
  /** resolves when a new ledger event was stored (for live updates) */
  onStored(fn: () => void): () => void;
}

export interface ServiceContext {
  config: Config;
  db: Db;
  log: Logger;
  chain: ChainPort;
  outbox: OutboxPort;
  listener: ListenerPort;
  /** hash of the local code lists; must equal the on-chain hash before the service writes */
  localCodeListHash: string;
  /** the one queued-step writer (group commit) and its caseRef -> Case.id cache */
  steps: StepWriter;
  /** API tokens looked up, remembered for a second */
  principals: ClientPrincipals;
  /** changes pushed to the open event streams (live/hub.ts) */
  live: LiveHub;
  /** the ledger's membership and allocation views (undefined for a chain port without a provider: tests) */
  membership?: Pick<MembershipReads, "allocatedTo" | "erasedBy">;
}

/** The context of one service: the parts given, the in-memory state made fresh for it. */
export function serviceContext(parts: Omit<ServiceContext, "steps" | "principals" | "live" | "membership"> & { membership?: ServiceContext["membership"] }): ServiceContext {
  const live = new LiveHub(parts.db, parts.listener, parts.log.child({ part: "live" }));
  // A queued step is followed live (queued -> submitted -> confirmed) by the hub as well.
  const outbox: OutboxPort = {
    wake: () => {
      parts.outbox.wake();
      live.stepsQueued();
    },
  };
  const membership = parts.membership ?? membershipOf(parts.chain);
  return { ...parts, outbox, steps: new StepWriter(parts.db), principals: new ClientPrincipals(parts.db), live, membership };
}

/** The membership views over the chain adapter's provider, where the port is one. */
function membershipOf(chain: ChainPort): ServiceContext["membership"] {
  const c = chain as Partial<{ provider: ConstructorParameters<typeof MembershipReads>[0]; ledgerAddress: string }>;
  return c.provider && c.ledgerAddress ? new MembershipReads(c.provider, c.ledgerAddress) : undefined;
}
