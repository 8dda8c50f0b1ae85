// The agency service's settings for any member (services/agency/config.ts): the pilots' defaults, what an
// agency that joined later must set, and clear messages for what is wrong. No chain: loadConfig only.
import { expect } from "chai";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../services/agency/config";

const base = { ANKER_CONSORTIUM_KEY: "00".repeat(32), ANKER_DATA_DIR: "/tmp/anker-config-test" };

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("loadConfig accepted the settings");
}

describe("agency service settings", () => {
  it("gives the pilots their number, type, scope and port", () => {
    const bamf = loadConfig({ ...base, AGENCY: "BAMF" });
    expect(bamf).to.include({ agency: "BAMF", agencyCode: 1, agencyType: "FEDERAL_OFFICE", agencyScope: 14, port: 3001 });
    const zab = loadConfig({ ...base, AGENCY: "ZAB" });
    expect(zab).to.include({ agencyCode: 2, agencyType: "CENTRAL_AUTHORITY", port: 3002 });
    expect(zab.dataDir).to.equal(join("/tmp/anker-config-test", "zab"));
  });

  it("takes any agency key with its number and port; type and scope come from the chain unless set", () => {
    const c = loadConfig({ ...base, AGENCY: "ABH-14625", AGENCY_CODE: "3", PORT: "3003" });
    expect(c).to.include({ agency: "ABH-14625", agencyCode: 3, agencyType: "", agencyScope: 0, port: 3003 });
    expect(c.dataDir).to.equal(join("/tmp/anker-config-test", "abh-14625"));
    expect(c.databaseUrl).to.equal(`file:${join("/tmp/anker-config-test", "abh-14625", "agency.db")}`);
    const typed = loadConfig({ ...base, AGENCY: "ABH-14612", AGENCY_CODE: "4", PORT: "3004", AGENCY_TYPE: "DISTRICT_AUTHORITY", AGENCY_SCOPE: "14612" });
    expect(typed).to.include({ agencyType: "DISTRICT_AUTHORITY", agencyScope: 14612 });
    expect(typed.identityFromSettings).to.deep.equal({ type: true, scope: true });
  });

  it("says what is wrong", () => {
    expect(refusal({ ...base })).to.include("AGENCY is required");
    expect(refusal({ ...base, AGENCY: "lra bz" })).to.include("AGENCY must be an agency key");
    expect(refusal({ ...base, AGENCY: "ABH-14625", PORT: "3003" })).to.include("AGENCY_CODE is required for agency ABH-14625");
    expect(refusal({ ...base, AGENCY: "ABH-14625", AGENCY_CODE: "3" })).to.include("PORT is required for agency ABH-14625");
    expect(refusal({ ...base, AGENCY: "ABH-14625", AGENCY_CODE: "0", PORT: "3003" })).to.include("AGENCY_CODE");
    expect(refusal({ ...base, AGENCY: "BAMF", AGENCY_CODE: "2" })).to.include("the pilot agency BAMF is number 1");
    expect(refusal({ ...base, AGENCY: "ABH-14625", AGENCY_CODE: "3", PORT: "3003", AGENCY_TYPE: "COUNTY" })).to.include("AGENCY_TYPE COUNTY is not an agency type");
  });
});
