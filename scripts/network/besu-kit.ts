// `npm run network:besu -- --validators 4 --accounts <addr,...> --out <dir>`: writes a complete Besu QBFT
// network for the consortium (genesis, one node key per validator, per-node config and permissioning,
// static nodes, systemd units). Node keys are written with mode 0600 and never printed; only addresses
// and enode URLs (public) are. See docs/operations/besu-qbft.md.
import { Command } from "commander";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Wallet, getAddress, isAddress } from "ethers";
import { z } from "zod";
import { agencyEnvExample, agencyServiceUnit } from "./agency-unit";
import { enodeOf, genesisJson, nodeConfigToml, permissionsToml, staticNodesJson, systemdUnit, type NetworkSettings, type NodePlan } from "./besu-network-files";

/** The file that marks a directory as this kit's output; --force replaces only such a directory. */
export const MANIFEST = "network.json";
/** Who runs the four validators of the consortium (docs/operations/besu-qbft.md). */
const CONSORTIUM_NAMES = ["bamf", "zab", "neutral-1", "neutral-2"];

const list = (s: string) => s.split(",").map((x) => x.trim()).filter((x) => x.length > 0);
const port = z.coerce.number().int().min(1).max(65535);
const positive = z.coerce.number().int().min(1);

const Options = z
  .object({
    validators: positive.max(64),
    out: z.string().min(1),
    force: z.boolean(),
    accounts: z.string().transform(list).pipe(z.array(z.string().refine((a) => isAddress(a), "not an address")).min(1, "name at least one signer account")),
    names: z.string().transform(list).optional(),
    hosts: z.string().transform(list).optional(),
    rpcHosts: z.string().transform(list).optional(),
    rpcAllow: z.string().transform(list).pipe(z.array(z.string()).min(1)),
    p2pPort: port,
    rpcPort: port,
    wsPort: port,
    metricsPort: port,
    chainId: positive,
    blockPeriod: positive,
    epochLength: positive,
    requestTimeout: positive,
    emptyBlockPeriod: z.coerce.number().int().min(0),
    installRoot: z.string().startsWith("/", "must be an absolute path"),
    besuBin: z.string().startsWith("/", "must be an absolute path"),
    user: z.string().regex(/^[a-z_][a-z0-9_-]*$/),
  })
  .superRefine((o, ctx) => {
    for (const key of ["names", "hosts", "rpcHosts"] as const) {
      const v = o[key];
      if (v && v.length !== o.validators) ctx.addIssue({ code: "custom", path: [key], message: `lists ${v.length} entries for ${o.validators} validators` });
    }
    if (o.names && new Set(o.names).size !== o.names.length) ctx.addIssue({ code: "custom", path: ["names"], message: "names must differ" });
    for (const n of o.names ?? []) if (!/^[a-z0-9][a-z0-9-]*$/.test(n)) ctx.addIssue({ code: "custom", path: ["names"], message: `${n}: use lowercase letters, digits and dashes` });
    if (o.requestTimeout <= o.blockPeriod) ctx.addIssue({ code: "custom", path: ["requestTimeout"], message: "must be longer than the block period" });
    if (o.emptyBlockPeriod > 0 && o.emptyBlockPeriod <= o.blockPeriod) ctx.addIssue({ code: "custom", path: ["emptyBlockPeriod"], message: "must be 0 (off) or longer than the block period" });
  });
export type KitOptions = z.infer<typeof Options>;

export interface KitResult {
  dir: string;
  nodes: NodePlan[];
}

function refuseOrClear(dir: string, force: boolean): void {
  if (!existsSync(dir)) return;
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  if (!force) throw new Error(`${dir} exists; it may hold node keys. Pass --force to replace a network this kit wrote there.`);
  // Even with --force, only a directory this kit wrote is deleted, never an arbitrary one.
  if (!entries.includes(MANIFEST)) throw new Error(`${dir} is not a network written by this kit (no ${MANIFEST}); not replacing it, even with --force`);
  rmSync(dir, { recursive: true, force: true });
}

function writeSecret(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600); // the umask may have taken bits away, never added: make it exact
}

/** Generates the keys and writes the network; returns what it wrote (no key material). */
export function writeNetwork(o: KitOptions): KitResult {
  const dir = resolve(o.out);
  refuseOrClear(dir, o.force);
  const names = o.names ?? (o.validators === CONSORTIUM_NAMES.length ? CONSORTIUM_NAMES : Array.from({ length: o.validators }, (_, i) => `node-${i + 1}`));
  const settings: NetworkSettings = {
    chainId: o.chainId,
    blockPeriodSeconds: o.blockPeriod,
    epochLength: o.epochLength,
    requestTimeoutSeconds: o.requestTimeout,
    emptyBlockPeriodSeconds: o.emptyBlockPeriod,
    accounts: o.accounts.map((a) => getAddress(a)),
    rpcHostAllowlist: o.rpcAllow,
    installRoot: o.installRoot,
    besuBinary: o.besuBin,
    serviceUser: o.user,
  };
  const keys = names.map(() => Wallet.createRandom());
  const nodes: NodePlan[] = names.map((name, i) => {
    const host = o.hosts?.[i] ?? "127.0.0.1";
    return {
      name,
      address: keys[i].address.toLowerCase(),
      publicKey: keys[i].signingKey.publicKey.slice(4),
      host,
      // Ports step by node so that a test network on one machine needs no further settings.
      p2pPort: o.p2pPort + i,
      rpcHost: o.rpcHosts?.[i] ?? host,
      rpcPort: o.rpcPort + i,
      operatorWsPort: o.wsPort + i,
      metricsPort: o.metricsPort + i,
    };
  });

  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "genesis.json"), genesisJson(settings, nodes));
  writeFileSync(join(dir, "static-nodes.json"), staticNodesJson(nodes));
  nodes.forEach((node, i) => {
    const nodeDir = join(dir, node.name);
    mkdirSync(join(nodeDir, "data"), { recursive: true, mode: 0o700 });
    chmodSync(nodeDir, 0o700);
    writeSecret(join(nodeDir, "key"), keys[i].privateKey + "\n");
    writeFileSync(join(nodeDir, "key.pub"), "0x" + node.publicKey + "\n");
    writeFileSync(join(nodeDir, "config.toml"), nodeConfigToml(settings, node));
    writeFileSync(join(nodeDir, "permissions_config.toml"), permissionsToml(settings, nodes));
    writeFileSync(join(nodeDir, `besu-${node.name}.service`), systemdUnit(settings, node));
  });
  // The agency services restart under systemd the way the validators do (docs/operations/supervision.md).
  mkdirSync(join(dir, "agency"), { recursive: true });
  writeFileSync(join(dir, "agency", "anker-agency@.service"), agencyServiceUnit());
  writeFileSync(join(dir, "agency", "agency.env.example"), agencyEnvExample());
  const manifest = {
    writtenBy: "npm run network:besu",
    chainId: settings.chainId,
    qbft: { blockperiodseconds: settings.blockPeriodSeconds, epochlength: settings.epochLength, requesttimeoutseconds: settings.requestTimeoutSeconds, ...(settings.emptyBlockPeriodSeconds > 0 && { xemptyblockperiodseconds: settings.emptyBlockPeriodSeconds }) },
    installRoot: settings.installRoot,
    accounts: settings.accounts,
    validators: nodes.map((n) => ({ name: n.name, address: n.address, enode: enodeOf(n), rpc: `http://${n.rpcHost}:${n.rpcPort}`, operatorWs: `ws://127.0.0.1:${n.operatorWsPort}`, metrics: `http://127.0.0.1:${n.metricsPort}/metrics` })),
  };
  // Written last: a directory with a manifest is a complete network.
  writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  return { dir, nodes };
}

export function parseKitArgs(argv: string[]): KitOptions {
  const cmd = new Command("network:besu")
    .description("Write a Hyperledger Besu QBFT network for the consortium (keys, genesis, configs, systemd units)")
    .requiredOption("--out <dir>", "directory to write the network to")
    .requiredOption("--accounts <addr,...>", "accounts allowed to send transactions: the agencies' signers and, while deploying, the deployer")
    .option("--validators <n>", "number of validators (4 tolerate one faulty or malicious validator)", "4")
    .option("--force", "replace a network this kit wrote before in --out (its keys are lost)", false)
    .option("--names <name,...>", "validator names (default for 4: bamf,zab,neutral-1,neutral-2)")
    .option("--hosts <ip,...>", "each validator's P2P address as the others reach it (default 127.0.0.1)")
    .option("--rpc-hosts <ip,...>", "each validator's JSON-RPC interface for its agency (default: its P2P address)")
    .option("--rpc-allow <host,...>", "host names allowed to call JSON-RPC (Host header)", "localhost,127.0.0.1")
    .option("--p2p-port <port>", "first P2P port (one more per node)", "30303")
    .option("--rpc-port <port>", "first JSON-RPC HTTP port (one more per node)", "8545")
    .option("--ws-port <port>", "first operators' WebSocket port on 127.0.0.1 (one more per node)", "8645")
    .option("--metrics-port <port>", "first Prometheus metrics port on 127.0.0.1 (one more per node)", "9545")
    .option("--chain-id <id>", "chain id", "4242")
    .option("--block-period <s>", "QBFT blockperiodseconds", "2")
    .option("--epoch-length <blocks>", "QBFT epochlength (votes are reset at each epoch block)", "30000")
    .option("--request-timeout <s>", "QBFT requesttimeoutseconds (round change after this)", "4")
    .option("--empty-block-period <s>", "QBFT xemptyblockperiodseconds (experimental in Besu): with no transactions, a block at most this often; bounds the blocks an audit seal-checks on a quiet network; 0: off", "60")
    .option("--install-root <dir>", "where the output is installed on every node machine", "/opt/anker-besu")
    .option("--besu-bin <path>", "the besu executable on the node machines", "/opt/besu/bin/besu")
    .option("--user <name>", "system user the nodes run as", "besu")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cmd.parse(argv, { from: "user" });
  const parsed = Options.safeParse(cmd.opts());
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `--${String(i.path[0] ?? "").replace(/[A-Z]/g, (m) => "-" + m.toLowerCase())}: ${i.message}`).join("; "));
  return parsed.data;
}

function main(): void {
  const o = parseKitArgs(process.argv.slice(2));
  const { dir, nodes } = writeNetwork(o);
  if (o.validators < 4) console.warn(`WARNING: ${o.validators} validator(s) cannot survive a faulty one; QBFT needs 3f + 1, i.e. 4 for f = 1.`);
  console.log(`QBFT network for chain ${o.chainId} written to ${dir}:`);
  for (const n of nodes) console.log(`  ${n.name.padEnd(10)} validator ${n.address}  ${enodeOf(n)}`);
  console.log(`Node keys are in ${dir}/<name>/key (mode 0600). Hand each operator only their own directory, genesis.json and static-nodes.json.`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    // commander has printed its own message for its own errors (missing option, --help)
    const code = (err as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version") process.exit(0);
    if (!code?.startsWith("commander.")) console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  }
}
