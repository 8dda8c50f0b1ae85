// The QBFT extraData codec against Besu's own test vector (fixtures/besu-qbft-extra-data.json, copied
// from QbftExtraDataCodecTest in hyperledger/besu) and against the encodings Besu's tests build by hand.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeRlp, encodeRlp } from "ethers";
import { z } from "zod";
import { decodeAnyExtraData, decodeQbftExtraData, decodeUsualExtraData, encodeQbftExtraData, genesisExtraData, type QbftExtraData } from "../../services/shared/qbft/extra-data";

const hex = z.string().regex(/^0x[0-9a-f]*$/);
const Fixture = z.object({
  source: z.object({ repository: z.literal("hyperledger/besu"), path: z.string().endsWith("QbftExtraDataCodecTest.java"), commits: z.array(z.string().regex(/^[0-9a-f]{40}$/)).min(1) }),
  rawHex: hex,
  decoded: z.object({
    vanity: hex,
    validators: z.array(hex),
    vote: z.object({ recipient: hex, kind: z.enum(["add", "drop"]) }).nullable(),
    round: z.number().int(),
    seals: z.array(hex),
  }),
});
const besu = Fixture.parse(JSON.parse(readFileSync(join(__dirname, "fixtures", "besu-qbft-extra-data.json"), "utf8")));
const zeroVanity = "0x" + "00".repeat(32);
const one = "0x0000000000000000000000000000000000000001";

describe("QBFT extraData codec (Besu's QbftExtraDataCodecTest vector)", () => {
  it("decodes RAW_HEX_ENCODING_STRING to Besu's expected extra data", () => {
    expect(decodeQbftExtraData(besu.rawHex)).to.deep.equal(besu.decoded);
  });

  it("encodes Besu's expected extra data to RAW_HEX_ENCODING_STRING, byte for byte", () => {
    expect(encodeQbftExtraData(besu.decoded)).to.equal(besu.rawHex);
  });

  it("leaves out the seals (real round) and round and seals (round 0) as Besu's encodeWithoutCommitSeals / …AndRoundNumber", () => {
    // Besu's tests build these by hand: same vanity, validators and vote; then the round and an empty list.
    const [vanity, validators, vote] = decodeRlp(besu.rawHex) as string[];
    expect(encodeQbftExtraData(besu.decoded, "without-seals")).to.equal(encodeRlp([vanity, validators, vote, "0xfedcba", []]));
    expect(encodeQbftExtraData(besu.decoded, "for-block-hash")).to.equal(encodeRlp([vanity, validators, vote, "0x", []]));
  });

  it("writes a drop vote as an empty string and an absent vote as an empty list", () => {
    const drop: QbftExtraData = { vanity: zeroVanity, validators: [], vote: { recipient: one, kind: "drop" }, round: 0xfedcba, seals: [] };
    const encoded = encodeQbftExtraData(drop);
    expect(encoded).to.equal(encodeRlp([zeroVanity, [], [one, "0x"], "0xfedcba", []]));
    expect(decodeQbftExtraData(encoded)).to.deep.equal(drop);
    const none = { ...drop, vote: null };
    expect(encodeQbftExtraData(none)).to.equal(encodeRlp([zeroVanity, [], [], "0xfedcba", []]));
    expect(decodeQbftExtraData(encodeQbftExtraData(none))).to.deep.equal(none);
  });

  it("reads a short round (0xDCBA) and refuses a round with a leading zero byte, as Besu's readIntScalar", () => {
    expect(decodeQbftExtraData(encodeRlp([zeroVanity, [], [one, "0xff"], "0xdcba", []])).round).to.equal(0xdcba);
    expect(() => decodeQbftExtraData(encodeRlp([zeroVanity, [], [one, "0xff"], "0x00dcba", []]))).to.throw(/leading zero/);
  });

  it("refuses what Besu refuses: an unknown vote type, extra items, empty input, a short seal", () => {
    expect(() => decodeQbftExtraData(encodeRlp([zeroVanity, [], [one, "0xaa"], "0x01", []]))).to.throw(/neither add/);
    expect(() => decodeQbftExtraData(encodeRlp([zeroVanity, [], [one, "0xff"], "0x01", [], "0x01"]))).to.throw(/6 items/);
    expect(() => decodeQbftExtraData("0x")).to.throw(/empty/);
    expect(() => decodeQbftExtraData(encodeRlp([zeroVanity, [], [], "0x", ["0x" + "11".repeat(64)]]))).to.throw(/seal 0 has 64 bytes/);
  });

  it("builds genesis extraData with a zero vanity, the validators, no vote, round 0 and no seals", () => {
    const validators = ["0x00000000000000000000000000000000000000aa", "0x00000000000000000000000000000000000000bb"];
    const extra = genesisExtraData(validators);
    expect(extra).to.equal(encodeRlp([zeroVanity, validators, [], "0x", []]));
    expect(decodeQbftExtraData(extra)).to.deep.equal({ vanity: zeroVanity, validators, vote: null, round: 0, seals: [] });
  });

  it("reads the usual layout from its bytes exactly as ethers' RLP decoder reads it", () => {
    const addr = (i: number) => "0x" + i.toString(16).padStart(40, "0");
    const seal = (i: number) => "0x" + i.toString(16).padStart(2, "0").repeat(64) + (i % 2 ? "01" : "00");
    const samples: string[] = [besu.rawHex, besu.rawHex.toUpperCase().replace("0X", "0x"), genesisExtraData([]), genesisExtraData([addr(0xaa)])];
    for (const validators of [0, 1, 4, 7])
      for (const vote of [null, { recipient: addr(9), kind: "add" as const }, { recipient: addr(9), kind: "drop" as const }])
        for (const round of [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xdcba, 0x7fffffff])
          for (const seals of [0, 1, 4, 5]) {
            samples.push(encodeQbftExtraData({ vanity: "0x" + "5a".repeat(32), validators: Array.from({ length: validators }, (_, i) => addr(i + 1)), vote, round, seals: Array.from({ length: seals }, (_, i) => seal(i + 1)) }));
          }
    for (const x of samples) {
      const usual = decodeUsualExtraData(x);
      expect(usual, x).to.not.equal(undefined);
      expect(usual).to.deep.equal(decodeAnyExtraData(x));
    }
  });

  it("leaves anything but the usual layout to ethers' decoder, which says what is wrong", () => {
    const odd = [
      encodeRlp([zeroVanity, [], [one, "0xff"], "0x00dcba", []]), // a round with a leading zero
      encodeRlp([zeroVanity, [], [], "0x80000000", []]), // a round beyond a signed 32-bit integer
      encodeRlp([zeroVanity, [], [one, "0xaa"], "0x01", []]), // an unknown vote type
      encodeRlp([zeroVanity, [], [], "0x", [], "0x01"]), // six items
      encodeRlp([zeroVanity, [], [], "0x", ["0x" + "11".repeat(64)]]), // a short seal
      encodeRlp([zeroVanity, ["0x1234"], [], "0x", []]), // a short validator address
      encodeRlp([zeroVanity, [], [], "0x", []]) + "00", // bytes after the list
      "0xc7" + encodeRlp([zeroVanity, [], [], "0x", []]).slice(4), // a list prefix that does not fit
      "0x",
      "0xzz",
    ];
    for (const x of odd) {
      expect(decodeUsualExtraData(x), x).to.equal(undefined);
      let error = "";
      try {
        decodeAnyExtraData(x);
      } catch (err) {
        error = (err as Error).message;
      }
      expect(error, x).to.not.equal("");
      expect(() => decodeQbftExtraData(x)).to.throw(error);
    }
  });
});
