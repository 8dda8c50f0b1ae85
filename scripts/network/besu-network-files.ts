// The files of a Hyperledger Besu QBFT network for the consortium, as text: genesis, per-node config and
// local permissioning, static nodes, systemd units. Pure functions; besu-kit.ts writes them to disk.
// Option names are Besu's (command-line options without the leading "--", as its TOML config file takes
// them); see docs/operations/besu-qbft.md for what each choice is for.
import { stringify } from "smol-toml";
import { genesisExtraData, sortValidators } from "../../services/shared/qbft/extra-data";

/** Besu's fixed mixHash of BFT blocks (BftHelpers.EXPECTED_MIX_HASH): "ctical byzantine fault tolerance". */
export const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
/** A balance for each allowed account, so a client that adds a priority fee by default can still pay it. */
const ACCOUNT_BALANCE = "0xd3c21bcecceda1000000"; // 10^24 wei

export interface NetworkSettings {
  chainId: number;
  blockPeriodSeconds: number;
  epochLength: number;
  requestTimeoutSeconds: number;
  /**
   * Besu's experimental qbft.xemptyblockperiodseconds: with no transactions pending, a block at most this
   * often instead of every block period; 0 leaves it out (an empty block every block period)
   */
  emptyBlockPeriodSeconds: number;
  /** the accounts that may send transactions: the agencies' signers (and the deployer while deploying) */
  accounts: string[];
  /** hosts allowed to call each node's JSON-RPC (HTTP Host header), e.g. the agency service machines */
  rpcHostAllowlist: string[];
  /** where the kit's output is installed on every node machine */
  installRoot: string;
  besuBinary: string;
  serviceUser: string;
}

export interface NodePlan {
  /** short name, also the directory and the systemd unit's name */
  name: string;
  /** lowercase validator address (derived from the node key) */
  address: string;
  /** uncompressed public key without the 0x04 prefix: the enode id */
  publicKey: string;
  /** the address other validators reach this node's P2P port at */
  host: string;
  p2pPort: number;
  /** the interface the agency service and `npm run deploy` reach (ETH, NET, WEB3 only) */
  rpcHost: string;
  rpcPort: number;
  /** operators only, on loopback: adds QBFT (validator votes) */
  operatorWsPort: number;
  metricsPort: number;
}

export function enodeOf(node: NodePlan): string {
  return `enode://${node.publicKey}@${node.host}:${node.p2pPort}`;
}

/**
 * The genesis file: QBFT with validators from the block header (extraData), a zero base fee (free gas,
 * as permissioned networks run), the Cancun rules the contracts are compiled for (evmVersion cancun),
 * and no pre-funded accounts but the allowed ones.
 */
export function genesisJson(settings: NetworkSettings, nodes: readonly NodePlan[]): string {
  const alloc: Record<string, { balance: string }> = {};
  for (const a of settings.accounts) alloc[a.toLowerCase().slice(2)] = { balance: ACCOUNT_BALANCE };
  const genesis = {
    config: {
      chainId: settings.chainId,
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      zeroBaseFee: true,
      qbft: {
        blockperiodseconds: settings.blockPeriodSeconds,
        epochlength: settings.epochLength,
        requesttimeoutseconds: settings.requestTimeoutSeconds,
        // experimental in Besu (early access since 24.10.0), so written only when asked for
        ...(settings.emptyBlockPeriodSeconds > 0 && { xemptyblockperiodseconds: settings.emptyBlockPeriodSeconds }),
      },
    },
    nonce: "0x0",
    timestamp: "0x0",
    gasLimit: "0x1fffffffffffff",
    difficulty: "0x1",
    mixHash: BFT_MIX_HASH,
    coinbase: "0x0000000000000000000000000000000000000000",
    alloc,
    extraData: genesisExtraData(sortValidators(nodes.map((n) => n.address))),
  };
  return JSON.stringify(genesis, null, 2) + "\n";
}

export function staticNodesJson(nodes: readonly NodePlan[]): string {
  return JSON.stringify(nodes.map(enodeOf), null, 2) + "\n";
}

function nodeDir(settings: NetworkSettings, node: NodePlan): string {
  return `${settings.installRoot}/${node.name}`;
}

/** One node's config.toml. */
export function nodeConfigToml(settings: NetworkSettings, node: NodePlan): string {
  const dir = nodeDir(settings, node);
  const config = {
    "data-path": `${dir}/data`,
    "genesis-file": `${settings.installRoot}/genesis.json`,
    "node-private-key-file": `${dir}/key`,
    "static-nodes-file": `${settings.installRoot}/static-nodes.json`,
    // A closed consortium: peers come from the static list only, never from discovery.
    "discovery-enabled": false,
    "p2p-host": node.host,
    "p2p-port": node.p2pPort,
    // The audit needs every header and every log: keep the full chain.
    "sync-mode": "FULL",
    "min-gas-price": 0,
    "rpc-http-enabled": true,
    "rpc-http-host": node.rpcHost,
    "rpc-http-port": node.rpcPort,
    "rpc-http-api": ["ETH", "NET", "WEB3"],
    "host-allowlist": settings.rpcHostAllowlist,
    // Besu's default, written out because the services and the audit page their log queries by it.
    "rpc-max-logs-range": 5000,
    "rpc-ws-enabled": true,
    "rpc-ws-host": "127.0.0.1",
    "rpc-ws-port": node.operatorWsPort,
    "rpc-ws-api": ["ETH", "NET", "WEB3", "QBFT"],
    "permissions-nodes-config-file-enabled": true,
    "permissions-nodes-config-file": `${dir}/permissions_config.toml`,
    "permissions-accounts-config-file-enabled": true,
    "permissions-accounts-config-file": `${dir}/permissions_config.toml`,
    "metrics-enabled": true,
    "metrics-host": "127.0.0.1",
    "metrics-port": node.metricsPort,
    logging: "INFO",
  };
  return `# Besu configuration of validator ${node.name} (${node.address}), written by npm run network:besu.\n` + stringify(config) + "\n";
}

/** One node's local permissioning: the validators it may peer with, the accounts that may transact. */
export function permissionsToml(settings: NetworkSettings, nodes: readonly NodePlan[]): string {
  return (
    "# Local permissioning, written by npm run network:besu.\n" +
    stringify({
      "nodes-allowlist": nodes.map(enodeOf),
      "accounts-allowlist": settings.accounts.map((a) => a.toLowerCase()),
    }) +
    "\n"
  );
}

/** A systemd unit that restarts Besu on failure with a growing delay and never gives up for good. */
export function systemdUnit(settings: NetworkSettings, node: NodePlan): string {
  const dir = nodeDir(settings, node);
  return `# systemd unit of validator ${node.name}, written by npm run network:besu.
[Unit]
Description=Hyperledger Besu QBFT validator ${node.name} (anker-ledger)
Wants=network-online.target
After=network-online.target
# Keep restarting: a validator that stays down costs the network its fault tolerance.
StartLimitIntervalSec=0

[Service]
Type=simple
User=${settings.serviceUser}
Group=${settings.serviceUser}
ExecStart=${settings.besuBinary} --config-file=${dir}/config.toml
Restart=on-failure
# Back off from 5 s to 5 min between restarts (RestartSteps/RestartMaxDelaySec need systemd 254 or newer;
# older versions ignore them with a warning and restart every 5 s).
RestartSec=5s
RestartSteps=10
RestartMaxDelaySec=5min
TimeoutStopSec=120
LimitNOFILE=65536
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
ReadWritePaths=${dir}/data

[Install]
WantedBy=multi-user.target
`;
}
