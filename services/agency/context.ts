// What the parts of one agency service share. The flow: api -> outbox -> chain adapter -> listener ->
// notifications; each part gets this context and nothing global.
import type { Logger } from "pino";
import type { Config } from "./config";
import type { Db } from "./store/db";

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
}
