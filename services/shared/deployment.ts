// The deployment record (.data/deployment.json) written by `npm run deploy` and read by every service.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { DEPLOYMENT_FILE } from "./paths";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const hash = z.string().regex(/^0x[0-9a-f]{64}$/);

export const Deployment = z.object({
  chainId: z.number().int().positive(),
  rpcUrl: z.string().url(),
  deployedAt: z.string(),
  block: z.number().int().nonnegative(),
  blockHash: hash,
  contracts: z.object({
    ProcedureLedger: z.object({ address, codeHash: hash, txHash: hash }),
  }),
  codeList: z.object({ hash, version: z.string() }),
  // The first members' accounts by agency key (the pilots, and any further agency the deployment set up);
  // agencies that join by vote later are not listed: their membership is on chain.
  accounts: z.object({ BAMF: address, ZAB: address, auditor: address }).catchall(address.optional()),
});
export type Deployment = z.infer<typeof Deployment>;

export function readDeployment(file = DEPLOYMENT_FILE): Deployment | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = Deployment.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file} is not a valid deployment record: ${parsed.error.message}`);
  return parsed.data;
}

export function requireDeployment(file = DEPLOYMENT_FILE): Deployment {
  const d = readDeployment(file);
  if (!d) throw new Error(`${file} is missing: run "npm run deploy" (or "npm start") first`);
  return d;
}

export function writeDeployment(d: Deployment, file = DEPLOYMENT_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(Deployment.parse(d), null, 2) + "\n");
}
