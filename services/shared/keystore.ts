// Agency keys as encrypted JSON keystores (Web3 Secret Storage, scrypt) under .data/keys/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { Wallet, HDNodeWallet } from "ethers";
import { KEYS_DIR } from "./paths";

export const DEV_KEYSTORE_PASSWORD = "anker-dev-only";
/** "bamf", "zab", "auditor", or another agency's key lowercased (keys/<name>.json). */
export type KeyName = string;

export interface KeystorePassword {
  password: string;
  isDevDefault: boolean;
}

/** The keystore password from ANKER_KEYSTORE_PASSWORD; the dev default only where none is set. */
export function keystorePassword(env: NodeJS.ProcessEnv = process.env): KeystorePassword {
  const password = env.ANKER_KEYSTORE_PASSWORD;
  if (password && password.length > 0) return { password, isDevDefault: false };
  return { password: DEV_KEYSTORE_PASSWORD, isDevDefault: true };
}

export function keystoreFile(name: KeyName, dir = KEYS_DIR): string {
  return join(dir, `${name}.json`);
}

/** Load the named key, creating a new random one (mode 0600) if there is none yet. */
export async function loadOrCreateKey(name: KeyName, password: string, dir = KEYS_DIR): Promise<{ wallet: Wallet | HDNodeWallet; created: boolean }> {
  const file = keystoreFile(name, dir);
  if (existsSync(file)) return { wallet: await Wallet.fromEncryptedJson(readFileSync(file, "utf8"), password), created: false };
  const wallet = Wallet.createRandom();
  const json = await wallet.encrypt(password);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, json, { mode: 0o600 });
  return { wallet, created: true };
}

export async function loadKey(name: KeyName, password: string, dir = KEYS_DIR): Promise<Wallet | HDNodeWallet> {
  const file = keystoreFile(name, dir);
  if (!existsSync(file)) throw new Error(`keystore ${file} is missing: run "npm run deploy" first`);
  try {
    return await Wallet.fromEncryptedJson(readFileSync(file, "utf8"), password);
  } catch {
    throw new Error(`keystore ${file} cannot be opened: wrong ANKER_KEYSTORE_PASSWORD?`);
  }
}

/**
 * The local stand-in for the consortium key that member agencies share for case references: created
 * once (mode 0600). In production each agency sets ANKER_CONSORTIUM_KEY from its own key store.
 */
export function ensureConsortiumKey(dir = KEYS_DIR): boolean {
  const file = join(dir, "consortium.key");
  if (existsSync(file)) return false;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600 });
  return true;
}
