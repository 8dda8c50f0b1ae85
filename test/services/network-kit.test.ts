// The Besu QBFT network kit (`npm run network:besu`), run as the operators run it, into a temporary
// directory: the genesis extraData decodes with the project's QBFT codec to exactly the node keys'
// addresses, keys are 0600 and never printed, the node configs carry the allow-lists, and an existing
// directory is not overwritten without --force. Besu itself is not installable here, so what Besu would
// make of these files is not tested (docs/operations/besu-qbft.md says so).
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { parse as parseToml } from "smol-toml";
import { decodeQbftExtraData, sortValidators } from "../../services/shared/qbft/extra-data";
import { REPO_ROOT } from "../../services/shared/paths";

const KIT = join(REPO_ROOT, "scripts", "network", "besu-kit.ts");
const BAMF_SIGNER = "0x1111111111111111111111111111111111111111";
const ZAB_SIGNER = "0x2222222222222222222222222222222222222222";

function runKit(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--require", "tsx/cjs", KIT, ...args], { cwd: REPO_ROOT, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const readToml = (path: string) => parseToml(readFileSync(path, "utf8")) as Record<string, unknown>;

describe("Besu QBFT network kit (npm run network:besu)", () => {
  let root: string;
  let out: string;
  let run: ReturnType<typeof runKit>;
  const NAMES = ["bamf", "zab", "neutral-1", "neutral-2"];

  before(() => {
    root = mkdtempSync(join(tmpdir(), "anker-besu-kit-"));
    out = join(root, "net");
    run = runKit(["--validators", "4", "--out", out, "--accounts", `${BAMF_SIGNER},${ZAB_SIGNER}`, "--rpc-allow", "localhost,bamf-service.internal"]);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("writes a network for four validators named after their operators", () => {
    expect(run.stderr).to.equal("");
    expect(run.status).to.equal(0);
    expect(readdirSync(out).sort()).to.deep.equal([...NAMES, "agency", "genesis.json", "network.json", "static-nodes.json"].sort());
    expect(readdirSync(join(out, "agency")).sort()).to.deep.equal(["agency.env.example", "anker-agency@.service"]);
    for (const name of NAMES) {
      expect(readdirSync(join(out, name)).sort()).to.deep.equal([`besu-${name}.service`, "config.toml", "data", "key", "key.pub", "permissions_config.toml"]);
    }
  });

  it("genesis: QBFT settings, chain 4242, zero base fee, and extraData whose validators are the node keys' addresses", () => {
    const genesis = readJson(join(out, "genesis.json"));
    expect(genesis.config).to.deep.include({ chainId: 4242, zeroBaseFee: true, qbft: { blockperiodseconds: 2, epochlength: 30000, requesttimeoutseconds: 4, xemptyblockperiodseconds: 60 } });
    expect(genesis.mixHash).to.equal("0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365");
    const keyAddresses = NAMES.map((n) => new Wallet(readFileSync(join(out, n, "key"), "utf8").trim()).address.toLowerCase());
    const extra = decodeQbftExtraData(genesis.extraData);
    expect(extra).to.deep.equal({ vanity: "0x" + "00".repeat(32), validators: sortValidators(keyAddresses), vote: null, round: 0, seals: [] });
    expect(new Set(keyAddresses).size).to.equal(4);
    expect(Object.keys(genesis.alloc).sort()).to.deep.equal([BAMF_SIGNER.slice(2), ZAB_SIGNER.slice(2)]);
  });

  it("writes each node key with mode 0600 in a 0700 directory and never prints one", () => {
    for (const name of NAMES) {
      expect(statSync(join(out, name, "key")).mode & 0o777).to.equal(0o600);
      expect(statSync(join(out, name)).mode & 0o777).to.equal(0o700);
      const key = readFileSync(join(out, name, "key"), "utf8").trim();
      expect(key).to.match(/^0x[0-9a-f]{64}$/);
      expect(run.stdout + run.stderr).to.not.include(key.slice(2));
    }
  });

  it("config.toml: RPC for the services limited to ETH, NET, WEB3 with a host allow-list; QBFT only on loopback; permissioning and zero gas price", () => {
    const manifest = readJson(join(out, "network.json"));
    NAMES.forEach((name, i) => {
      const c = readToml(join(out, name, "config.toml"));
      expect(c["rpc-http-api"]).to.deep.equal(["ETH", "NET", "WEB3"]);
      expect(c["host-allowlist"]).to.deep.equal(["localhost", "bamf-service.internal"]);
      expect(c["rpc-ws-host"]).to.equal("127.0.0.1");
      expect(c["rpc-ws-api"]).to.include("QBFT");
      expect(c["metrics-host"]).to.equal("127.0.0.1");
      expect(c["min-gas-price"]).to.equal(0);
      expect(c["discovery-enabled"]).to.equal(false);
      expect(c["permissions-nodes-config-file-enabled"]).to.equal(true);
      expect(c["permissions-accounts-config-file-enabled"]).to.equal(true);
      expect(c["permissions-accounts-config-file"]).to.equal(`/opt/anker-besu/${name}/permissions_config.toml`);
      expect(c["node-private-key-file"]).to.equal(`/opt/anker-besu/${name}/key`);
      expect(c["p2p-port"]).to.equal(30303 + i);
      expect(c["rpc-http-port"]).to.equal(8545 + i);
      expect(manifest.validators[i]).to.include({ name, rpc: `http://127.0.0.1:${8545 + i}` });
    });
  });

  it("permissions_config.toml: the four validators' enodes and only the agencies' signer accounts; static nodes match", () => {
    const pubKeys = NAMES.map((n) => readFileSync(join(out, n, "key.pub"), "utf8").trim().slice(2));
    NAMES.forEach((n) => expect(new Wallet(readFileSync(join(out, n, "key"), "utf8").trim()).signingKey.publicKey.slice(4)).to.equal(pubKeys[NAMES.indexOf(n)]));
    const enodes = pubKeys.map((pk, i) => `enode://${pk}@127.0.0.1:${30303 + i}`);
    for (const name of NAMES) {
      const p = readToml(join(out, name, "permissions_config.toml"));
      expect(p["nodes-allowlist"]).to.deep.equal(enodes);
      expect(p["accounts-allowlist"]).to.deep.equal([BAMF_SIGNER, ZAB_SIGNER]);
    }
    expect(readJson(join(out, "static-nodes.json"))).to.deep.equal(enodes);
  });

  it("a systemd unit per node that restarts on failure with back-off", () => {
    const unit = readFileSync(join(out, "bamf", "besu-bamf.service"), "utf8");
    expect(unit).to.match(/^ExecStart=\/opt\/besu\/bin\/besu --config-file=\/opt\/anker-besu\/bamf\/config\.toml$/m);
    expect(unit).to.match(/^Restart=on-failure$/m);
    expect(unit).to.match(/^RestartSec=5s$/m);
    expect(unit).to.match(/^RestartMaxDelaySec=5min$/m);
    expect(unit).to.match(/^ReadWritePaths=\/opt\/anker-besu\/bamf\/data$/m);
  });

  it("refuses to overwrite an existing network without --force, and replaces it with --force", () => {
    const genesisBefore = readFileSync(join(out, "genesis.json"), "utf8");
    const again = runKit(["--out", out, "--accounts", BAMF_SIGNER]);
    expect(again.status).to.equal(2);
    expect(again.stderr).to.match(/exists.*--force/);
    expect(readFileSync(join(out, "genesis.json"), "utf8")).to.equal(genesisBefore);

    const forced = runKit(["--out", out, "--accounts", BAMF_SIGNER, "--validators", "5", "--force"]);
    expect(forced.status).to.equal(0);
    expect(decodeQbftExtraData(readJson(join(out, "genesis.json")).extraData).validators).to.have.length(5);
    expect(readdirSync(out)).to.not.include("bamf");
  });

  it("does not delete a directory it did not write, even with --force", () => {
    const foreign = join(root, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "precious.txt"), "keep me");
    const r = runKit(["--out", foreign, "--accounts", BAMF_SIGNER, "--force"]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/not a network written by this kit/);
    expect(readFileSync(join(foreign, "precious.txt"), "utf8")).to.equal("keep me");
  });

  it("writes the empty block period asked for, and leaves Besu's experimental key out with --empty-block-period 0", () => {
    const slow = runKit(["--out", join(root, "empty-300"), "--accounts", BAMF_SIGNER, "--empty-block-period", "300"]);
    expect(slow.status, slow.stderr).to.equal(0);
    expect(readJson(join(root, "empty-300", "genesis.json")).config.qbft).to.deep.equal({ blockperiodseconds: 2, epochlength: 30000, requesttimeoutseconds: 4, xemptyblockperiodseconds: 300 });
    expect(readJson(join(root, "empty-300", "network.json")).qbft).to.deep.include({ xemptyblockperiodseconds: 300 });
    const off = runKit(["--out", join(root, "empty-off"), "--accounts", BAMF_SIGNER, "--empty-block-period", "0"]);
    expect(off.status, off.stderr).to.equal(0);
    expect(readJson(join(root, "empty-off", "genesis.json")).config.qbft).to.deep.equal({ blockperiodseconds: 2, epochlength: 30000, requesttimeoutseconds: 4 });
  });

  it("rejects bad input with the option's name: no accounts, a malformed account, a request timeout not above the block period, an empty block period not above it", () => {
    expect(runKit(["--out", join(root, "x1")]).stderr).to.match(/--accounts/);
    expect(runKit(["--out", join(root, "x2"), "--accounts", "0x1234"]).stderr).to.match(/--accounts: not an address/);
    expect(runKit(["--out", join(root, "x3"), "--accounts", BAMF_SIGNER, "--block-period", "5", "--request-timeout", "5"]).stderr).to.match(/--request-timeout: must be longer/);
    expect(runKit(["--out", join(root, "x4"), "--accounts", BAMF_SIGNER, "--block-period", "5", "--empty-block-period", "5"]).stderr).to.match(/--empty-block-period: must be 0 \(off\) or longer/);
    expect(runKit(["--out", join(root, "x5"), "--accounts", BAMF_SIGNER, "--empty-block-period", "-1"]).stderr).to.match(/--empty-block-period/);
    expect(readdirSync(root).filter((f) => f.startsWith("x"))).to.deep.equal([]);
  });
});
