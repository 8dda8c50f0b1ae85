// chain/batch-tx.ts builds recordBatch calldata and signed transactions itself (for speed): they must be
// byte for byte what ethers builds, for both kinds of fees the adapter signs with and for batches whose
// lengths cross RLP's length-prefix boundaries. (That the node accepts them, the outbox and end-to-end
// suites show against anvil.)
import { expect } from "chai";
import { Transaction, Wallet, hexlify, randomBytes } from "ethers";
import { encodeRecordBatch, signBatchTx } from "../../services/agency/chain/batch-tx";
import { LEDGER_INTERFACE } from "../../services/agency/chain/ledger-logs";
import type { FeeChoice } from "../../services/agency/chain/fees";
import { fastKeccakReady, initFastKeccak } from "../../services/shared/keccak";

function steps(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    caseRef: hexlify(randomBytes(32)),
    packedStep: i % 3 === 0 ? 0n : BigInt(hexlify(randomBytes(1 + (i % 32)))),
    commitment: hexlify(randomBytes(32)).toUpperCase().replace("0X", "0x"),
  }));
}

describe("batch transactions built on Buffers (chain/batch-tx.ts)", () => {
  const wallet = Wallet.createRandom();
  const to = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  // the service hashes with the WebAssembly keccak (main.ts loads it): compare that path with ethers
  before(async () => expect(await initFastKeccak()).to.equal(true));
  it("hashes with the WebAssembly keccak", () => expect(fastKeccakReady()).to.equal(true));

  it("encodes recordBatch calldata exactly as ethers' ABI coder does", () => {
    for (const n of [0, 1, 2, 250]) {
      const s = steps(n);
      expect(encodeRecordBatch(s)).to.equal(LEDGER_INTERFACE.encodeFunctionData("recordBatch", [s]));
    }
  });

  const feeCases: [string, FeeChoice][] = [
    ["EIP-1559", { type: 2, maxFeePerGas: 2_000_000_014n, maxPriorityFeePerGas: 1_000_000_000n }],
    ["legacy at a zero gas price", { type: 0, gasPrice: 0n }],
    ["legacy", { type: 0, gasPrice: 7n }],
  ];
  for (const [label, fees] of feeCases) {
    it(`signs ${label} transactions exactly as ethers serializes them`, () => {
      for (const [n, nonce, chainId] of [
        [0, 0, 31337],
        [1, 1, 1],
        [2, 127, 1337],
        [250, 100_000, 31337],
      ]) {
        const data = encodeRecordBatch(steps(n));
        const gasLimit = 30_000_000n;
        const ours = signBatchTx({ fees, chainId, to, data, nonce, gasLimit }, wallet.signingKey);
        const tx = Transaction.from({ ...fees, chainId, to, data, nonce, gasLimit });
        tx.signature = wallet.signingKey.sign(tx.unsignedHash);
        expect(ours.raw).to.equal(tx.serialized);
        expect(ours.hash).to.equal(tx.hash);
        expect(Transaction.from(ours.raw).from).to.equal(wallet.address);
      }
    });
  }
});
