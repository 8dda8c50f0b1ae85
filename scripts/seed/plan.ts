// The demo data: about 40 fictitious procedures spread over all three phases. Every name is invented
// and marked "(fiktiv)"; file numbers come from a range no real procedure uses (9xxxxxx). Some are allocated
// to Landkreis Bautzen (14625), whose immigration authority (agency key ABH-14625) confirms the allocation and
// the arrival: one arrived, some due, some overdue (allocated more than the code lists'
// `parameters.arrivalOverdueDays` days ago on the demo chain clock without an arrival).
import { CODE_LISTS, type AgencyKey } from "../../services/shared/codelists";

/** The demo's district immigration authority: Landratsamt Bautzen (npm start, port 3003). */
export const BAUTZEN = { key: "ABH-14625", agency: 3, district: 14625 } as const;

export interface PlannedStep {
  agency: AgencyKey;
  step: string;
  detail?: string | number;
  /** YYYY-MM-DD (HEARING_SCHEDULED, REPATRIATION_SCHEDULED), set by demoPlan from the step's own day */
  businessDate?: string;
  data?: Record<string, unknown>;
  /** when the step is due on the demo timeline, unix seconds (never after the `now` given to demoPlan) */
  at: number;
}

export interface PlannedCase {
  fileNumber: string;
  person: { familyName: string; givenNames: string; dateOfBirth: string; nationality: string };
  steps: PlannedStep[];
}

/**
 * A step of a path: `after` is the working days since the case's previous step (scaled a little per case);
 * `dateIn` (HEARING_SCHEDULED, REPATRIATION_SCHEDULED) the days from that step to the business date it sets.
 * HEARING_HELD and REPATRIATION_COMPLETED happen on the date set before them.
 */
interface PathStep {
  agency: AgencyKey;
  step: string;
  detail?: string | number;
  data?: Record<string, unknown>;
  after: number;
  dateIn?: number;
}

interface Path {
  steps: PathStep[];
  /** days from the last step to today; each repetition of the path adds `idleStep` (older cases) */
  idle: number;
  idleStep: number;
}

const FAMILY = ["Adebayo", "Berisha", "Chaudhry", "Darwish", "Esfahani", "Fofana", "Gashi", "Haddad", "Ibrahimi", "Jalali", "Kebede", "Lamari", "Mansour", "Nazari", "Okafor", "Popescu", "Qureshi", "Rahimi", "Saleh", "Tesfaye"];
const GIVEN = ["Amina", "Bashir", "Chiara", "Dawit", "Elif", "Farid", "Grace", "Hamza", "Ines", "Jamal", "Karim", "Leila", "Musa", "Nadia", "Omar", "Parisa", "Rami", "Samira", "Tariq", "Yusuf"];
const NATIONALITY = ["SYR", "AFG", "IRQ", "TUR", "ERI", "IRN", "SOM", "GEO", "VEN", "NGA"];

// Typical waits of a procedure at an AnKER facility, in days: filing a few days after arrival, the hearing
// two to four weeks after filing, the decision about two weeks after the hearing, service within days, the
// two-week appeal period before finality, a repatriation planned one to two weeks ahead.
const REG: PathStep = { agency: "ZAB", step: "REGISTERED", data: { facility: "AnKER Dresden", note: "Ankunftsnachweis ausgestellt" }, after: 0 };
const FILED: PathStep = { agency: "BAMF", step: "APPLICATION_FILED", after: 3 };
const HEARING_SCHEDULED = (dateIn: number): PathStep => ({ agency: "BAMF", step: "HEARING_SCHEDULED", after: 4, dateIn });
const HEARING_HELD: PathStep = { agency: "BAMF", step: "HEARING_HELD", data: { interpreter: true }, after: 0 };
const DECISION = (outcome: string): PathStep => ({ agency: "BAMF", step: "DECISION_ISSUED", detail: outcome, after: 12 });
const SERVED: PathStep = { agency: "BAMF", step: "DECISION_SERVED", after: 3 };
const FINAL: PathStep = { agency: "BAMF", step: "DECISION_FINAL", after: 16 };
const OBLIGATION: PathStep = { agency: "ZAB", step: "DEPARTURE_OBLIGATION", after: 2 };
const REPATRIATION = (dateIn: number): PathStep => ({ agency: "ZAB", step: "REPATRIATION_SCHEDULED", after: 8, dateIn });
const PROSPECTS = (detail: string): PathStep => ({ agency: "BAMF", step: "PROSPECTS_ASSESSED", detail, after: 4 });
const ALLOCATION: PathStep = { agency: "ZAB", step: "MUNICIPAL_ALLOCATION", detail: 14612, after: 6 };
const TRANSFERRED: PathStep = { agency: "ZAB", step: "TRANSFERRED_TO_MUNICIPALITY", after: 5 };
// Allocated to Bautzen (the district stays 14625 whatever the case's position), and Bautzen's own steps.
const TO_BAUTZEN: PathStep = { ...ALLOCATION, detail: BAUTZEN.district };
const RECEIVED: PathStep = { agency: BAUTZEN.key, step: "ALLOCATION_RECEIVED", after: 1 };
const ARRIVED: PathStep = { agency: BAUTZEN.key, step: "ARRIVED_REGISTERED", after: 4 };
/** Days after which an allocated person who has not arrived is overdue (the non-arrival rule's N). */
const OVERDUE_DAYS = CODE_LISTS.parameters.arrivalOverdueDays;

/** The demo procedures, by the state they have reached, and how long ago their last step was. */
const PATHS: Path[] = [
  // Phase I: registered, filed, hearing scheduled or held
  { steps: [REG], idle: 0, idleStep: 1 },
  { steps: [REG, FILED], idle: 1, idleStep: 2 },
  { steps: [REG, FILED, HEARING_SCHEDULED(21)], idle: 3, idleStep: 5 }, // hearing in the coming weeks
  { steps: [REG, FILED, HEARING_SCHEDULED(14)], idle: 20, idleStep: 4 }, // hearing date passed without a hearing: deadline notice
  { steps: [REG, FILED, HEARING_SCHEDULED(18), HEARING_HELD], idle: 2, idleStep: 3 },
  // Phase II: decisions, appeals, enforcement
  { steps: [REG, FILED, HEARING_SCHEDULED(20), HEARING_HELD, DECISION("REFUGEE_PROTECTION")], idle: 4, idleStep: 6 }, // allocation due
  { steps: [REG, FILED, HEARING_SCHEDULED(22), HEARING_HELD, DECISION("SUBSIDIARY_PROTECTION")], idle: 1, idleStep: 5 }, // allocation due
  { steps: [REG, FILED, HEARING_SCHEDULED(17), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED], idle: 5, idleStep: 12 }, // appeal period running, then over
  { steps: [REG, FILED, HEARING_SCHEDULED(19), HEARING_HELD, DECISION("REJECTED_MANIFESTLY_UNFOUNDED"), SERVED, { agency: "BAMF", step: "APPEAL_FILED", detail: "SUSPENSIVE", after: 6 }], idle: 3, idleStep: 4 },
  { steps: [REG, FILED, HEARING_SCHEDULED(16), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED, FINAL, OBLIGATION], idle: 2, idleStep: 3 },
  // a repatriation planned in a few days; the repetition's date passed without a completion (overdue)
  { steps: [REG, FILED, HEARING_SCHEDULED(15), HEARING_HELD, DECISION("INADMISSIBLE"), SERVED, FINAL, OBLIGATION, REPATRIATION(9)], idle: 4, idleStep: 8 },
  // the open repatriation stop: a follow-up application while a repatriation is scheduled
  { steps: [REG, FILED, HEARING_SCHEDULED(14), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED, FINAL, OBLIGATION, REPATRIATION(14), { agency: "BAMF", step: "FOLLOW_UP_APPLICATION_FILED", after: 4 }], idle: 1, idleStep: 2 },
  { steps: [REG, FILED, HEARING_SCHEDULED(14), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED, FINAL, OBLIGATION, REPATRIATION(10), { agency: "ZAB", step: "REPATRIATION_COMPLETED", after: 0 }], idle: 0, idleStep: 3 },
  { steps: [REG, FILED, HEARING_SCHEDULED(16), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED, FINAL, OBLIGATION, { agency: "ZAB", step: "VOLUNTARY_DEPARTURE", after: 12 }], idle: 2, idleStep: 4 },
  { steps: [REG, FILED, HEARING_SCHEDULED(15), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED, FINAL, OBLIGATION, REPATRIATION(12), { agency: "ZAB", step: "REPATRIATION_CANCELLED", detail: "PRACTICAL_OBSTACLE", after: 5 }], idle: 1, idleStep: 3 },
  // Phase III: prospects, allocation, transfer
  { steps: [REG, PROSPECTS("GOOD")], idle: 2, idleStep: 3 }, // allocation due
  { steps: [REG, FILED, PROSPECTS("GOOD"), ALLOCATION], idle: 3, idleStep: 4 },
  { steps: [REG, FILED, PROSPECTS("GOOD"), ALLOCATION, TRANSFERRED], idle: 1, idleStep: 6 },
  { steps: [REG, FILED, HEARING_SCHEDULED(18), HEARING_HELD, DECISION("ASYLUM_ENTITLEMENT"), SERVED, { ...ALLOCATION, after: 7 }, TRANSFERRED], idle: 2, idleStep: 5 },
  { steps: [REG, FILED, PROSPECTS("NOT_GOOD")], idle: 6, idleStep: 7 },
  // Allocated to Landkreis Bautzen: arrived and registered; received and due; due without a receipt yet;
  // received, never arrived and overdue (the allocation lies more than OVERDUE_DAYS days back).
  { steps: [REG, FILED, PROSPECTS("GOOD"), TO_BAUTZEN, TRANSFERRED, RECEIVED, ARRIVED], idle: 2, idleStep: 3 },
  { steps: [REG, FILED, PROSPECTS("GOOD"), TO_BAUTZEN, RECEIVED], idle: 2, idleStep: 2 },
  { steps: [REG, PROSPECTS("GOOD"), TO_BAUTZEN], idle: 1, idleStep: 1 },
  { steps: [REG, FILED, PROSPECTS("GOOD"), TO_BAUTZEN, RECEIVED], idle: OVERDUE_DAYS + 6, idleStep: 4 },
];

const DAY = 86_400;

/** YYYY-MM-DD of a unix time (UTC calendar day; the demo's times lie in German office hours). */
function isoDay(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

/** Saturday and Sunday move to Monday: agencies record on working days. */
function workingDay(unixSeconds: number): number {
  const weekday = new Date(unixSeconds * 1000).getUTCDay();
  return unixSeconds + (weekday === 6 ? 2 * DAY : weekday === 0 ? DAY : 0);
}

/** A time of day between 07:00 and 14:59 UTC (08:00 to 16:59 in Germany), spread by `seed`. */
function officeTime(day: number, seed: number): number {
  const midnight = Math.floor(day / DAY) * DAY;
  return midnight + (7 + (seed % 8)) * 3600 + ((seed * 17) % 60) * 60;
}

/**
 * Lay one path out in time, backwards from today: its last step lies `idle` days before `now`. Waits are
 * scaled by 0.75 to 1.35 per case so that processing times vary. Times after `now` are clamped to it.
 */
function timeline(path: PathStep[], idle: number, scale: number, seed: number, now: number): PlannedStep[] {
  const gaps = path.map((s, i) => (i === 0 ? 0 : s.after === 0 ? (path[i - 1].dateIn ?? 1) : Math.max(1, Math.round(s.after * scale))));
  const total = gaps.reduce((a, b) => a + b, 0);
  // Weekend moves do not add up: each step keeps its nominal day and moves at most to the Monday after it.
  let nominal = now - (total + idle) * DAY;
  const out: PlannedStep[] = [];
  let prevAt = 0;
  path.forEach((s, i) => {
    nominal += gaps[i] * DAY;
    const at = Math.max(prevAt + 60, Math.min(officeTime(workingDay(nominal), seed + i * 5), now));
    prevAt = at;
    const { after: _after, dateIn, ...rest } = s;
    const step: PlannedStep = { ...rest, at: Math.min(at, now) };
    if (dateIn !== undefined) step.businessDate = isoDay(workingDay(nominal + dateIn * DAY));
    out.push(step);
  });
  return out;
}

/** The earliest step time of the demo plan at `now` (unix seconds): a chain seeded with it starts before. */
export function demoTimelineStart(now: number, count = 40): number {
  return Math.min(...demoPlan(count, now).flatMap((c) => c.steps.map((s) => s.at)));
}

/**
 * Repeat the paths with varied districts until there are `count` cases, laid out over the weeks before `now`
 * (unix seconds): each repetition of a path lies further back (`idleStep`) and waits differently.
 */
export function demoPlan(count = 40, now = Math.floor(Date.now() / 1000)): PlannedCase[] {
  const districts = [14612, 14713, 14511, 14522, 14524, 14625, 14521, 14626, 14627, 14628, 14729, 14523, 14730];
  return Array.from({ length: count }, (_, i) => {
    const path = PATHS[i % PATHS.length];
    const round = Math.floor(i / PATHS.length);
    const scale = 0.75 + ((i * 7) % 13) / 20;
    const steps = timeline(path.steps, path.idle + round * path.idleStep, scale, i * 3, now).map((s) =>
      s.step === "MUNICIPAL_ALLOCATION" && s.detail !== BAUTZEN.district ? { ...s, detail: districts[i % districts.length] } : s,
    );
    return {
      fileNumber: `${9000001 + i * 37}-${String(400 + (i % 90)).padStart(3, "0")}`,
      person: {
        familyName: `${FAMILY[i % FAMILY.length]} (fiktiv)`,
        givenNames: GIVEN[(i * 7) % GIVEN.length],
        dateOfBirth: `${1970 + ((i * 3) % 35)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + ((i * 5) % 28)).padStart(2, "0")}`,
        nationality: NATIONALITY[i % NATIONALITY.length],
      },
      steps,
    };
  });
}
