// What a new member agency needs before it can join (npm run agency:onboard, npm start's Bautzen): its
// signing key in an encrypted keystore, an X25519 sealing key pair for the consortium key's handover, its
// service configuration (an ANKER_CONFIG file), and the membership request the existing members vote on.
// Files, in the member's state folder `root`:
//   keys/<key>.json                  signing keystore (Web3 Secret Storage, scrypt; ANKER_KEYSTORE_PASSWORD)
//   keys/<key>.sealing.jwe           private sealing key, encrypted with the same password (mode 0600)
//   onboarding/<key>/request.json    the public request: account, agency number, type, scope, name, sealing public key
//   onboarding/<key>/consortium.jwe  the consortium key sealed to it (written by an existing member)
//   <key>/config.json                the service's settings (no secrets: the password comes from the environment)
// where <key> is the agency key in lower case ("abh-14625").
import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Wallet, type HDNodeWallet } from "ethers";
import { z } from "zod";
import { AGENCY_KEY_PATTERN, agencyTypeByCode, agencyTypeByKey, type AgencyTypeDef } from "../../services/shared/vocab";
import { districtByCode } from "../../services/shared/vocab/districts";
import { newSealingKeyPair } from "./sealing";

/** The request the existing members vote on: public, it holds no secret. */
export const MembershipRequest = z.object({
  key: z.string().regex(AGENCY_KEY_PATTERN),
  agency: z.number().int().min(1).max(255),
  agencyType: z.number().int().min(1).max(255),
  typeKey: z.string(),
  scope: z.number().int().min(0).max(0xffffffff),
  name: z.string().min(3).max(120),
  account: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  sealingPublicJwk: z.record(z.string(), z.unknown()),
  sealingThumbprint: z.string(),
  createdAt: z.string(),
});
export type MembershipRequest = z.infer<typeof MembershipRequest>;

export const slug = (key: string) => key.toLowerCase();

export interface MemberPaths {
  root: string;
  keystore: string;
  sealingKey: string;
  request: string;
  sealedConsortiumKey: string;
  config: string;
  consortiumKey: string;
  deployment: string;
}

export function memberPaths(root: string, key: string): MemberPaths {
  const s = slug(key);
  return {
    root,
    keystore: join(root, "keys", `${s}.json`),
    sealingKey: join(root, "keys", `${s}.sealing.jwe`),
    request: join(root, "onboarding", s, "request.json"),
    sealedConsortiumKey: join(root, "onboarding", s, "consortium.jwe"),
    config: join(root, s, "config.json"),
    consortiumKey: join(root, "keys", "consortium.key"),
    deployment: join(root, "deployment.json"),
  };
}

function writePrivate(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, text, { mode: 0o600 });
}

function writePublic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** The agency type from the command line: federal / central / district, a type key, or a type code. */
export function agencyTypeOption(value: string): AgencyTypeDef {
  const alias: Record<string, string> = { federal: "FEDERAL_OFFICE", central: "CENTRAL_AUTHORITY", district: "DISTRICT_AUTHORITY" };
  const type = /^\d+$/.test(value) ? agencyTypeByCode(Number(value)) : agencyTypeByKey(alias[value.toLowerCase()] ?? value.toUpperCase());
  if (!type) throw new Error(`unknown agency type "${value}" (federal, central, district, or a key of the code lists' agencyTypes)`);
  return type;
}

/** A district authority's scope must be a district of the distribution key (the districts ZAB allocates to). */
export function checkScope(type: AgencyTypeDef, scope: number): void {
  if (type.allocationScoped && !districtByCode(scope)) throw new Error(`${scope} is not a district of the distribution key (code lists distributionKey.districts)`);
  if (!type.allocationScoped && (scope < 1 || scope > 16)) throw new Error(`the scope of a ${type.key} is its Land key (1..16), not ${scope}`);
}

export interface PrepareOptions {
  /** the new member's state folder */
  root: string;
  key: string;
  agency: number;
  type: AgencyTypeDef;
  scope: number;
  name: string;
  port: number;
  password: string;
  /** the chain node the service talks to */
  rpcUrl: string;
  /** the network's deployment record (public): copied into `root` when that is another folder */
  deploymentFile: string;
  /** settings for a demonstration (DEMO_MODE, a short checkpoint interval) */
  demo?: Record<string, string>;
}

export interface PreparedMember {
  request: MembershipRequest;
  paths: MemberPaths;
  wallet: Wallet | HDNodeWallet;
  /** false: the keys existed (a repeated run keeps them) */
  created: boolean;
}

/**
 * Create (or, on a repeated run, reuse) the new member's keys, configuration and request. A repeated run
 * with other type, scope or number than the request on file stops: one agency key, one identity.
 */
export async function prepareMember(opts: PrepareOptions): Promise<PreparedMember> {
  if (!AGENCY_KEY_PATTERN.test(opts.key)) throw new Error(`agency key "${opts.key}" must match ${AGENCY_KEY_PATTERN}`);
  checkScope(opts.type, opts.scope);
  const root = resolve(opts.root);
  const paths = memberPaths(root, opts.key);

  if (existsSync(paths.request)) {
    const request = MembershipRequest.parse(JSON.parse(readFileSync(paths.request, "utf8")));
    if (request.agency !== opts.agency || request.agencyType !== opts.type.code || request.scope !== opts.scope) {
      throw new Error(
        `${paths.request} already prepares ${request.key} as agency ${request.agency} (type ${request.typeKey}, scope ${request.scope}); ` +
          "choose another key, or delete that folder's files for this key to start over",
      );
    }
    const wallet = await Wallet.fromEncryptedJson(readFileSync(paths.keystore, "utf8"), opts.password);
    writeConfig(paths, opts);
    return { request, paths, wallet, created: false };
  }

  // Never overwrite a key: a keystore without a request is another agency's or an earlier half-done run's.
  if (existsSync(paths.keystore)) throw new Error(`${paths.keystore} exists but ${paths.request} does not: move the keystore away or choose another key`);
  const wallet = Wallet.createRandom();
  writePrivate(paths.keystore, await wallet.encrypt(opts.password));
  const sealing = await newSealingKeyPair(opts.password);
  writePrivate(paths.sealingKey, sealing.encryptedPrivateJwk + "\n");
  const request: MembershipRequest = {
    key: opts.key,
    agency: opts.agency,
    agencyType: opts.type.code,
    typeKey: opts.type.key,
    scope: opts.scope,
    name: opts.name,
    account: wallet.address,
    sealingPublicJwk: sealing.publicJwk as Record<string, unknown>,
    sealingThumbprint: sealing.thumbprint,
    createdAt: new Date().toISOString(),
  };
  writePublic(paths.request, JSON.stringify(request, null, 2) + "\n");
  writeConfig(paths, opts);
  return { request, paths, wallet, created: true };
}

/** The service's ANKER_CONFIG file; the deployment record beside it when the member has a folder of its own. */
function writeConfig(paths: MemberPaths, opts: PrepareOptions): void {
  const config = {
    AGENCY: opts.key,
    AGENCY_CODE: opts.agency,
    PORT: opts.port,
    HOST: "127.0.0.1",
    ANKER_DATA_DIR: paths.root,
    ANKER_RPC_URL: opts.rpcUrl,
    LOG_FILE: join(dirname(paths.config), "service.log"),
    ...opts.demo,
  };
  writePublic(paths.config, JSON.stringify(config, null, 2) + "\n");
  if (resolve(opts.deploymentFile) !== paths.deployment) {
    mkdirSync(dirname(paths.deployment), { recursive: true });
    copyFileSync(opts.deploymentFile, paths.deployment);
  }
}

export function readRequest(root: string, key: string): MembershipRequest {
  const file = memberPaths(resolve(root), key).request;
  if (!existsSync(file)) throw new Error(`${file} is missing: prepare the member first (npm run agency:onboard -- --type … --key ${key})`);
  return MembershipRequest.parse(JSON.parse(readFileSync(file, "utf8")));
}
