// Pseudonymous case references: HMAC-SHA-256 of the file number under the consortium key. A plain hash
// would not do: file numbers have few digits and could be enumerated.
import { createHmac } from "node:crypto";

export function caseRefOf(fileNumber: string, consortiumKey: Buffer): string {
  if (consortiumKey.length !== 32) throw new Error("the consortium key must be 32 bytes");
  return "0x" + createHmac("sha256", consortiumKey).update(fileNumber.trim(), "utf8").digest("hex");
}
