// npm run agency:onboard: prepare a new member agency and put it to the vote (docs/operations/onboarding.md).
//
//   npm run agency:onboard -- --type district --district 14612 --name "Landeshauptstadt Dresden, Ausländerbehörde" [--key ABH-14612] [--code 4]
//       keys, sealing key pair, service configuration, membership request; then the proposal, sent with the
//       key of an existing member whose keystore is in the state folder (--proposer, default BAMF when its
//       keystore is there; --no-propose leaves the request for an existing member's admin to submit).
//       --approve-as ZAB[,…]: approve at once with those members' keystores (the one-machine demo).
//   npm run agency:onboard -- --complete --key ABH-14612 [--handover-from BAMF]
//       after the vote: the existing member seals the consortium key to the new member, which opens it.
import { parseArgs } from "node:util";
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { DATA_DIR, DEFAULT_RPC_URL, DEPLOYMENT_FILE, REPO_ROOT } from "../../services/shared/paths";
import { requireDeployment } from "../../services/shared/deployment";
import { keystorePassword } from "../../services/shared/keystore";
import { providerFor } from "../lib/anvil";
import { nextAgencyCode } from "../lib/membership";
import { agencyTypeOption, memberPaths, prepareMember, readRequest } from "./member-kit";
import { approveMembership, fundMember, handOverConsortiumKey, isMember, memberWallet, proposeMembership, unsealIntoKeyStore } from "./flow";

const USAGE = `npm run agency:onboard -- --type district --district 14612 --name "…" [options]
  --type T           federal | central | district (or a type key of the code lists)
  --district N       the district's official key (district authorities), e.g. 14612
  --land N           the Land key (federal office, central authority), e.g. 14
  --name "…"         the agency's name as the network shows it
  --key K            agency key (default ABH-<district> / <TYPE>-<land>: the key the other members derive from the chain; keep it)
  --code N           agency number 1..255 (default: the lowest number never used on chain)
  --port N           HTTP port of its service (default 3000 + number)
  --data-dir DIR     the new member's state folder (default: ${relative(process.cwd(), DATA_DIR) || "."})
  --proposer K       existing member whose keystore (in ANKER_DATA_DIR) sends the proposal (default BAMF)
  --no-propose       only prepare: an existing member's admin submits onboarding/<key>/request.json
  --approve-as K,…   approve at once with these members' keystores (one-machine demo)
  --demo             DEMO_MODE and a 10-block checkpoint interval in the service configuration (as npm start)
npm run agency:onboard -- --complete --key K [--handover-from BAMF] [--data-dir DIR]`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      type: { type: "string" },
      district: { type: "string" },
      land: { type: "string" },
      name: { type: "string" },
      key: { type: "string" },
      code: { type: "string" },
      port: { type: "string" },
      "data-dir": { type: "string" },
      proposer: { type: "string" },
      "no-propose": { type: "boolean" },
      "approve-as": { type: "string" },
      demo: { type: "boolean" },
      complete: { type: "boolean" },
      "handover-from": { type: "string" },
      rpc: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const deployment = requireDeployment(DEPLOYMENT_FILE);
  const rpcUrl = values.rpc ?? process.env.ANKER_RPC_URL ?? deployment.rpcUrl ?? DEFAULT_RPC_URL;
  const provider = providerFor(rpcUrl);
  const ledgerAddress = deployment.contracts.ProcedureLedger.address;
  const { password, isDevDefault } = keystorePassword();
  if (isDevDefault) console.warn("WARNING: ANKER_KEYSTORE_PASSWORD is not set; the new keystore and sealing key use the development default password.");
  const root = resolve(values["data-dir"] ?? DATA_DIR);

  if (values.complete) {
    if (!values.key) fail("--complete needs --key");
    const request = readRequest(root, values.key);
    if (!(await isMember(provider, ledgerAddress, request))) {
      fail(`${request.key} (${request.account}) is not a member yet: the existing members approve its proposal first (admin area → Mitgliedschaft / Membership)`);
    }
    await completeHandover(request.key, values["handover-from"] ?? "BAMF", root, password);
    return;
  }

  if (!values.type || !values.name) fail("--type and --name are required");
  const type = agencyTypeOption(values.type);
  const scopeText = type.allocationScoped ? values.district : (values.land ?? values.district);
  if (!scopeText || !/^\d+$/.test(scopeText)) fail(type.allocationScoped ? "--district <official key> is required for a district authority" : "--land <Land key> is required");
  const scope = Number(scopeText);
  const code = values.code ? Number(values.code) : await nextAgencyCode(provider, ledgerAddress, deployment.block);
  if (!Number.isInteger(code) || code < 1 || code > 255) fail(`--code must be 1..255, not ${values.code}`);
  const key = values.key ?? (type.allocationScoped ? `ABH-${scope}` : `${type.key.split("_")[0]}-${scope}`);
  const port = values.port ? Number(values.port) : 3000 + code;

  const kit = await prepareMember({
    root,
    key,
    agency: code,
    type,
    scope,
    name: values.name,
    port,
    password,
    rpcUrl,
    deploymentFile: DEPLOYMENT_FILE,
    demo: values.demo ? { DEMO_MODE: "true", CHECKPOINT_EVERY_BLOCKS: "10" } : undefined,
  });
  console.log(`${kit.created ? "Prepared" : "Already prepared"} ${key}: agency ${code}, ${type.en} (${type.key}), scope ${scope}, "${values.name}"`);
  console.log(`  signing key   ${kit.wallet.address}  (${kit.paths.keystore}, encrypted)`);
  console.log(`  sealing key   thumbprint ${kit.request.sealingThumbprint}  (${kit.paths.sealingKey}, encrypted)`);
  console.log(`  configuration ${kit.paths.config}`);
  console.log(`  request       ${kit.paths.request}  (public: hand it to the existing members)`);

  if (await isMember(provider, ledgerAddress, kit.request)) {
    console.log(`  ${key} is a member already.`);
  } else if (values["no-propose"]) {
    console.log(`\nNext: an existing member's admin proposes it (POST /api/admin/membership/proposals with the request's account, agency, agencyType, scope, name, or the web app's admin area → Mitgliedschaft / Membership).`);
    return;
  } else {
    await fundMember(provider, kit.request.account, (l) => console.log(l));
    const proposerKey = values.proposer ?? "BAMF";
    if (!existsSync(join(DATA_DIR, "keys", `${proposerKey.toLowerCase()}.json`))) {
      fail(`no keystore of ${proposerKey} in ${join(DATA_DIR, "keys")}: name an existing member with --proposer, or use --no-propose`);
    }
    let outcome = await proposeMembership(ledgerAddress, await memberWallet(DATA_DIR, proposerKey, password, provider), kit.request);
    console.log(`\n${proposerKey} proposed adding ${key}: proposal ${outcome.id} (transaction ${outcome.txHash}).`);
    for (const approver of (values["approve-as"] ?? "").split(",").filter(Boolean)) {
      if (outcome.executed) break;
      outcome = await approveMembership(ledgerAddress, await memberWallet(DATA_DIR, approver, password, provider), outcome.id);
      console.log(`${approver} approved proposal ${outcome.id}${outcome.executed ? ": carried out" : ""}.`);
    }
    if (!outcome.executed) {
      console.log(
        `\nNext: the other members approve proposal ${outcome.id} in their admin area (Administration → Mitgliedschaft / Membership) ` +
          `or by POST /api/admin/membership/proposals/${outcome.id}/approve; a majority of the member agencies carries it out.\n` +
          `Then: npm run agency:onboard -- --complete --key ${key}${values["data-dir"] ? ` --data-dir ${values["data-dir"]}` : ""}`,
      );
      return;
    }
  }
  await completeHandover(key, values["handover-from"] ?? values.proposer ?? "BAMF", root, password);
}

/** After the vote: seal at the existing member (its consortium key in ANKER_DATA_DIR), open at the new one. */
async function completeHandover(key: string, from: string, root: string, password: string): Promise<void> {
  const deployment = requireDeployment(DEPLOYMENT_FILE);
  const provider = providerFor(process.env.ANKER_RPC_URL ?? deployment.rpcUrl);
  const request = readRequest(root, key);
  const consortiumFile = join(DATA_DIR, "keys", "consortium.key");
  const paths0 = memberPaths(root, key);
  // At the existing member (its consortium key is here): seal. At the new member (its sealing key is
  // here): open. On one machine (the demo) both.
  if (existsSync(consortiumFile) && resolve(consortiumFile) !== paths0.consortiumKey) {
    await seal();
  } else if (existsSync(consortiumFile) && !existsSync(paths0.sealedConsortiumKey)) {
    await seal();
  } else if (!existsSync(paths0.sealedConsortiumKey)) {
    fail(`no consortium key in ${consortiumFile} to seal and no sealed key in ${paths0.sealedConsortiumKey} to open: run the handover at ${from} (docs/operations/key-ceremony.md)`);
  }
  async function seal(): Promise<void> {
    const sealed = await handOverConsortiumKey({
      provider,
      ledgerAddress: deployment.contracts.ProcedureLedger.address,
      request,
      consortiumKeyHex: readFileSync(consortiumFile, "utf8").trim(),
      memberRoot: root,
    });
    console.log(`${from} sealed the consortium key to ${key}: ${sealed.file} (fingerprint ${sealed.fingerprint})`);
  }
  if (!existsSync(paths0.sealingKey)) {
    console.log(`Hand ${paths0.sealedConsortiumKey} to ${key}; there: npm run agency:onboard -- --complete --key ${key} (it opens the key with its sealing key).`);
    return;
  }
  const opened = await unsealIntoKeyStore(root, key, password);
  console.log(`${key} opened it: ${opened.written ? `stored in ${opened.file}` : `the same key as ${opened.file}`} (fingerprint ${opened.fingerprint}).`);
  const paths = memberPaths(root, key);
  const shown = paths.config.startsWith(REPO_ROOT + "/") ? relative(REPO_ROOT, paths.config) : paths.config;
  console.log(`\nStart its service:\n  ANKER_CONFIG=${shown} node --import tsx services/agency/main.ts`);
  console.log("It catches up from the ledger's deployment block and writes within its type's rights.");
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
