// Operations: /healthz and /readyz.
import { z } from "zod";

export const Health = z.object({ status: z.literal("up") });

const Check = z.object({ ok: z.boolean(), detail: z.string().optional() });
export const Readiness = z.object({
  status: z.enum(["ready", "not ready"]),
  agency: z.string(),
  checks: z.object({
    database: Check,
    chain: Check.extend({ blockNumber: z.number().int().optional() }),
    codeLists: Check.extend({ local: z.string(), onChain: z.string().optional() }),
  }),
  listenerLagBlocks: z.number().int().nullable(),
  reasons: z.array(z.string()),
});

export type Check = z.infer<typeof Check>;
export type Readiness = z.infer<typeof Readiness>;
