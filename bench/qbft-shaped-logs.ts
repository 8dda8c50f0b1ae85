// An anvil eth_getLogs answer re-addressed to the QBFT-shaped chain (bench/qbft-shaped-chain.ts): each
// log's blockNumber becomes its QBFT number and its blockHash that block's Besu hash; nothing else
// changes. Rewritten in the answer's bytes, not through JSON.parse: a million logs pass through the proxy
// while the audit is measured on the same two cores, and a parse and stringify of each answer would take
// cycles from the audit. The answer keeps anvil's layout, so the audit's byte scanner (log-scan.ts) reads
// it as it reads anvil's.

const NUMBER_KEY = Buffer.from('"blockNumber":"', "latin1");
const HASH_KEY = Buffer.from('"blockHash":"', "latin1");
const QUOTE = 0x22;

export interface LogBlockMap {
  /** the QBFT number of anvil block `a` */
  numberOf(anvilBlock: number): number;
  /** the Besu hash of QBFT block `n` */
  hashAt(n: number): string;
}

/** Where each value of `key` starts and ends (the closing quote), in order. */
function valuesOf(body: Buffer, key: Buffer): [number, number][] {
  const out: [number, number][] = [];
  for (let at = body.indexOf(key); at >= 0; at = body.indexOf(key, at)) {
    const start = at + key.length;
    const end = body.indexOf(QUOTE, start);
    if (end < 0) return out;
    out.push([start, end]);
    at = end;
  }
  return out;
}

/**
 * The answer with every log re-addressed; undefined when its layout is not anvil's compact one (each log a
 * blockNumber and a blockHash value, in the same order): the caller then rewrites the parsed JSON.
 */
export function rewriteLogBytes(body: Buffer, map: LogBlockMap): Buffer | undefined {
  const numbers = valuesOf(body, NUMBER_KEY);
  const hashes = valuesOf(body, HASH_KEY);
  if (numbers.length !== hashes.length) return undefined;
  const edits: [number, number, string][] = [];
  for (let i = 0; i < numbers.length; i++) {
    const [ns, ne] = numbers[i];
    const n = map.numberOf(parseInt(body.toString("latin1", ns, ne), 16));
    edits.push([ns, ne, "0x" + n.toString(16)], [hashes[i][0], hashes[i][1], map.hashAt(n)]);
  }
  edits.sort((a, b) => a[0] - b[0]);
  const parts: Buffer[] = [];
  let at = 0;
  for (const [start, end, value] of edits) {
    parts.push(body.subarray(at, start), Buffer.from(value, "latin1"));
    at = end;
  }
  parts.push(body.subarray(at));
  return Buffer.concat(parts);
}

/** The same for logs already parsed (a batch, or an answer of another layout). */
export function rewriteLogObjects(logs: { blockNumber?: string; blockHash?: string }[], map: LogBlockMap): void {
  for (const log of logs) {
    if (log.blockNumber === undefined) continue;
    const n = map.numberOf(Number(BigInt(log.blockNumber)));
    log.blockNumber = "0x" + n.toString(16);
    log.blockHash = map.hashAt(n);
  }
}
