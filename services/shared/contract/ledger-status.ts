// GET /api/ledger/status: the chain, the listener, the last signed checkpoint, the code lists and the
// rule history (alerts and stops raised, changed, resolved, ignored). No personal data.
import { z } from "zod";
import { CodeLabel, Label, limitQuery } from "./common";
import { Checkpoint } from "./audit";

export const RULE_HISTORY_KINDS = ["alert", "stop-raised", "stop-changed", "stop-resolved", "stop-ignored"] as const;

export const RuleHistoryEntry = z.object({
  name: z.string().describe("das Ledger-Ereignis / the ledger event"),
  kind: z.enum(RULE_HISTORY_KINDS),
  caseRef: z.string(),
  ledgerEventId: z.string().nullable(),
  step: CodeLabel.nullable().describe("der auslösende Schritt / the step that raised it"),
  reasons: z.array(CodeLabel),
  missing: z.array(Label),
  blockNumber: z.number().int(),
  blockTime: z.string(),
  txHash: z.string(),
});

export const LedgerStatus = z.object({
  agency: z.string(),
  headBlock: z.number().int().nullable(),
  chainError: z.string().nullable(),
  listener: z.object({ blockNumber: z.number().int(), logIndex: z.number().int(), blockHash: z.string(), lagBlocks: z.number().int().nullable() }).nullable(),
  lastSignedCheckpoint: Checkpoint.nullable(),
  codeList: z.object({ version: z.string(), localHash: z.string(), chainHash: z.string().nullable(), matches: z.boolean().nullable() }),
  counts: z.object({
    events: z.number().int(),
    steps: z.number().int(),
    alerts: z.number().int(),
    stopsRaised: z.number().int(),
    stopsResolved: z.number().int(),
    stopsIgnored: z.number().int(),
    casesWithOpenStop: z.number().int(),
  }),
  ruleHistory: z.array(RuleHistoryEntry).describe("die neuesten zuerst, höchstens `limit` / newest first, at most `limit`"),
});

export const LedgerStatusQuery = z.strictObject({ limit: limitQuery(200, 1000) });

export type RuleHistoryEntry = z.infer<typeof RuleHistoryEntry>;
export type LedgerStatus = z.infer<typeof LedgerStatus>;
