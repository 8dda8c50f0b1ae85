// The consortium key's handover to a new member (docs/operations/key-ceremony.md). The new member makes an
// X25519 key pair for sealing (its private half stays encrypted with its keystore password); an existing
// member seals the 32-byte consortium key to the public half as a compact JWE (ECDH-ES+A256KW, A256GCM) with
// `jose`; only the holder of the private half can open it. The JWE's protected header carries a fingerprint
// of the consortium key (not the key), so the receiver checks that it opened the key the network uses
// without anyone showing it; nothing here logs, prints or puts the key on chain.
import { createHash } from "node:crypto";
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, calculateJwkThumbprint, type JWK } from "jose";
import { z } from "zod";

const SEAL_ALG = "ECDH-ES+A256KW";
const SEAL_ENC = "A256GCM";
/** The private sealing key at rest: a JWE encrypted with the member's keystore password. */
const AT_REST_ALG = "PBES2-HS512+A256KW";
/** JWE `cty` of a sealed consortium key: the receiver refuses anything else. */
export const SEALED_KEY_TYPE = "anker-consortium-key";

const PublicJwk = z.object({ kty: z.literal("OKP"), crv: z.literal("X25519"), x: z.string().min(40) }).loose();
const PrivateJwk = PublicJwk.extend({ d: z.string().min(40) });

export interface SealingKeyPair {
  /** the public half (JWK, crv X25519): given to the existing members, may be published */
  publicJwk: JWK;
  /** the private half encrypted with the member's password (compact JWE, PBES2): kept by the new member */
  encryptedPrivateJwk: string;
  /** RFC 7638 thumbprint of the public half: what the ceremony compares aloud */
  thumbprint: string;
}

/** A fresh X25519 sealing key pair, its private half already encrypted with `password`. */
export async function newSealingKeyPair(password: string): Promise<SealingKeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(SEAL_ALG, { crv: "X25519", extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const encryptedPrivateJwk = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(privateJwk)))
    .setProtectedHeader({ alg: AT_REST_ALG, enc: SEAL_ENC, p2c: 310_000 })
    .encrypt(new TextEncoder().encode(password));
  return { publicJwk, encryptedPrivateJwk, thumbprint: await calculateJwkThumbprint(publicJwk) };
}

/** The public sealing key from its JSON (a file the new member handed over); throws on anything else. */
export function parsePublicJwk(json: unknown): JWK {
  const parsed = PublicJwk.safeParse(json);
  if (!parsed.success || "d" in (json as object)) throw new Error("not an X25519 public key (JWK with kty OKP, crv X25519, and no private part)");
  return parsed.data as JWK;
}

/** Fingerprint of a consortium key: sha-256 over a label and the key, first 16 bytes hex. Reveals nothing of it. */
export function consortiumKeyFingerprint(key: Buffer): string {
  return createHash("sha256").update("anker-consortium-key-fingerprint\0").update(key).digest("hex").slice(0, 32);
}

function keyBytes(keyHex: string): Buffer {
  const hex = keyHex.trim().replace(/^0x/, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error("the consortium key must be 32 bytes as hex");
  return Buffer.from(hex, "hex");
}

/**
 * Seal the consortium key (hex) to the new member's public sealing key. `recipient` names the member (its
 * agency key) in the header, so that a sealed key handed to the wrong member is refused there.
 */
export async function sealConsortiumKey(consortiumKeyHex: string, publicJwk: JWK, recipient: string): Promise<string> {
  const key = keyBytes(consortiumKeyHex);
  const pub = await importJWK(parsePublicJwk(publicJwk), SEAL_ALG);
  return new CompactEncrypt(key)
    .setProtectedHeader({
      alg: SEAL_ALG,
      enc: SEAL_ENC,
      cty: SEALED_KEY_TYPE,
      kid: await calculateJwkThumbprint(publicJwk),
      "anker:recipient": recipient,
      "anker:fingerprint": consortiumKeyFingerprint(key),
    })
    .encrypt(pub);
}

/** What the header of a sealed key says, readable without the private key (the ceremony checks it). */
export function sealedKeyHeader(jwe: string): { recipient: string; fingerprint: string; kid: string } {
  const h = decodeProtectedHeader(jwe) as Record<string, unknown>;
  if (h.cty !== SEALED_KEY_TYPE || h.alg !== SEAL_ALG || h.enc !== SEAL_ENC) throw new Error("not a sealed consortium key (cty, alg or enc differ)");
  return { recipient: String(h["anker:recipient"]), fingerprint: String(h["anker:fingerprint"]), kid: String(h.kid) };
}

/**
 * Open a sealed consortium key with the member's encrypted private sealing key and password. Checks the
 * recipient and that the opened key matches the fingerprint the sealer wrote; returns the key as hex.
 */
export async function unsealConsortiumKey(jwe: string, encryptedPrivateJwk: string, password: string, recipient: string): Promise<string> {
  const header = sealedKeyHeader(jwe);
  if (header.recipient !== recipient) throw new Error(`the sealed key is meant for ${header.recipient}, not for ${recipient}`);
  let privateJwk: JWK;
  try {
    const { plaintext } = await compactDecrypt(encryptedPrivateJwk, new TextEncoder().encode(password), { keyManagementAlgorithms: [AT_REST_ALG] });
    privateJwk = PrivateJwk.parse(JSON.parse(new TextDecoder().decode(plaintext))) as JWK;
  } catch {
    throw new Error("the private sealing key cannot be opened: wrong ANKER_KEYSTORE_PASSWORD?");
  }
  const { plaintext } = await compactDecrypt(jwe, await importJWK(privateJwk, SEAL_ALG), { keyManagementAlgorithms: [SEAL_ALG], contentEncryptionAlgorithms: [SEAL_ENC] });
  const key = Buffer.from(plaintext);
  if (key.length !== 32) throw new Error("the sealed key is not 32 bytes long");
  if (consortiumKeyFingerprint(key) !== header.fingerprint) throw new Error("the opened key does not match the fingerprint in the sealed key's header");
  return key.toString("hex");
}
