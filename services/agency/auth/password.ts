// Password hashing with node:crypto scrypt. Stored format: scrypt$N$r$p$salt$hash (salt and hash base64).
import { randomBytes, scrypt as scryptCb, timingSafeEqual, ScryptOptions } from "node:crypto";

const N = 16384; // 2^14: about 16 MiB and some 50 ms per hash
const R = 8;
const P = 1;
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

export { PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH } from "../../shared/contract/accounts";

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password.normalize("NFC"), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));
}

function maxmem(n: number, r: number, p: number): number {
  return 128 * n * r * p + 64 * 1024 * 1024;
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length === 0) throw new Error("empty password");
  const salt = randomBytes(SALT_BYTES);
  const hash = await scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P, maxmem: maxmem(N, R, P) });
  return ["scrypt", N, R, P, salt.toString("base64"), hash.toString("base64")].join("$");
}

interface Parsed {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return undefined;
  const [n, r, p] = parts.slice(1, 4).map((x) => (/^\d{1,9}$/.test(x) ? Number(x) : NaN));
  // Refuse parameters nobody here would have written (and that could exhaust memory).
  if (!(n >= 2 && n <= 1 << 20 && (n & (n - 1)) === 0) || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16)) return undefined;
  const salt = Buffer.from(parts[4], "base64");
  const hash = Buffer.from(parts[5], "base64");
  if (salt.length < 8 || hash.length < 16) return undefined;
  return { n, r, p, salt, hash };
}

/** Whether `password` matches the stored hash; false (never an exception) for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const s = parse(stored);
  if (!s) return false;
  const key = await scrypt(password, s.salt, s.hash.length, { N: s.n, r: s.r, p: s.p, maxmem: maxmem(s.n, s.r, s.p) });
  return timingSafeEqual(key, s.hash);
}

/** A hash of a random password: verified against when the user does not exist, so that the answer
 *  takes as long as for a wrong password and does not reveal which usernames exist. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString("hex"));
  return dummy;
}
