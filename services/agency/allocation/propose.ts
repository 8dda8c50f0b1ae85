// Proposing the district for an allocation (pure; no I/O). The distribution key gives each district a
// population share; after n allocations so far, the next one (the (n+1)-th) is proposed for the district
// whose allocations lag furthest behind its quota: quota = share x (n + 1), lag = quota - allocated.
// Ties go to the larger district, then to the lower district code, so the proposal is deterministic.

export interface DistrictKey {
  code: number;
  name: string;
  population: number;
}

export interface DistrictStanding {
  code: number;
  name: string;
  population: number;
  /** population share, 0..1 */
  share: number;
  /** share x (allocations so far + 1) */
  quota: number;
  /** allocations so far (confirmed and pending, plus earlier proposals in the same run) */
  allocated: number;
  /** quota - allocated: how far the district lags behind */
  lag: number;
}

export interface Proposal {
  district: DistrictStanding;
  /** every district's standing, largest lag first */
  standings: DistrictStanding[];
  /** allocations so far, the base of the quotas */
  total: number;
  explanation: { de: string; en: string };
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

function fmtDe(x: number): string {
  return round(x, 2).toLocaleString("de-DE", { maximumFractionDigits: 2 });
}
function fmtEn(x: number): string {
  return round(x, 2).toLocaleString("en-GB", { maximumFractionDigits: 2 });
}

/** How far a district stands from its quota, in words: behind (positive lag) or ahead (negative). */
export function lagInWords(lag: number): { de: string; en: string } {
  if (Math.abs(lag) < 0.005) return { de: "genau im Soll", en: "exactly at its quota" };
  return lag > 0
    ? { de: `${fmtDe(lag)} unter dem Soll`, en: `${fmtEn(lag)} below its quota` }
    : { de: `${fmtDe(-lag)} über dem Soll`, en: `${fmtEn(-lag)} above its quota` };
}

/**
 * The district to propose next, given the allocations so far per district code. `above`: how many of
 * those are proposals listed before this one (not yet made), so that the explanation can tell them apart
 * from the allocations the quota table shows.
 */
export function proposeDistrict(districts: readonly DistrictKey[], allocated: ReadonlyMap<number, number>, above: ReadonlyMap<number, number> = new Map()): Proposal {
  if (districts.length === 0) throw new Error("the distribution key has no districts");
  const population = districts.reduce((s, d) => s + d.population, 0);
  if (!(population > 0)) throw new Error("the distribution key has no population");
  // Allocations to districts outside the key count toward the total but toward no quota.
  const total = [...allocated.values()].reduce((s, n) => s + n, 0);
  const standings = districts.map((d): DistrictStanding => {
    const share = d.population / population;
    const quota = share * (total + 1);
    const a = allocated.get(d.code) ?? 0;
    return { code: d.code, name: d.name, population: d.population, share, quota, allocated: a, lag: quota - a };
  });
  standings.sort((x, y) => y.lag - x.lag || y.population - x.population || x.code - y.code);
  const best = standings[0];
  const proposedAbove = above.get(best.code) ?? 0;
  const made = best.allocated - proposedAbove;
  const totalAbove = [...above.values()].reduce((s, n) => s + n, 0);
  const words = lagInWords(best.lag);
  const explanation = {
    de:
      `${best.name} (${best.code}) liegt am weitesten hinter seinem Soll zurück: Soll ${fmtDe(best.quota)} (Anteil ${fmtDe(best.share * 100)} % von ${total + 1} Zuweisungen` +
      (totalAbove ? `, davon ${totalAbove} aus den Vorschlägen weiter oben` : "") +
      `), bisher ${made} zugewiesen` +
      (proposedAbove ? ` und ${proposedAbove} weiter oben vorgeschlagen` : "") +
      `, also ${words.de}.`,
    en:
      `${best.name} (${best.code}) lags furthest behind its quota: quota ${fmtEn(best.quota)} (share ${fmtEn(best.share * 100)} % of ${total + 1} allocations` +
      (totalAbove ? `, ${totalAbove} of them from the proposals above` : "") +
      `), allocated so far ${made}` +
      (proposedAbove ? ` and ${proposedAbove} proposed above` : "") +
      `, so ${words.en}.`,
  };
  const rounded = standings.map((s) => ({ ...s, share: round(s.share, 5), quota: round(s.quota), lag: round(s.lag) }));
  return {
    district: rounded[0],
    standings: rounded,
    total,
    explanation,
  };
}

/**
 * Proposals for `count` due cases in order: each proposal assumes the earlier ones are confirmed, so that
 * several due cases are spread over the districts instead of all landing in the same one.
 */
export function proposeInOrder(districts: readonly DistrictKey[], allocated: ReadonlyMap<number, number>, count: number): Proposal[] {
  const running = new Map(allocated);
  const above = new Map<number, number>();
  const out: Proposal[] = [];
  for (let i = 0; i < count; i++) {
    const p = proposeDistrict(districts, running, above);
    out.push(p);
    running.set(p.district.code, (running.get(p.district.code) ?? 0) + 1);
    above.set(p.district.code, (above.get(p.district.code) ?? 0) + 1);
  }
  return out;
}
