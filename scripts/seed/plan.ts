// The demo data: about 40 fictitious procedures spread over all three phases. Every name is invented
// and marked "(fiktiv)"; file numbers come from a range no real procedure uses (9xxxxxx).
import type { AgencyKey } from "../../services/shared/codelists";

export interface PlannedStep {
  agency: AgencyKey;
  step: string;
  detail?: string | number;
  businessDate?: string;
  data?: Record<string, unknown>;
}

export interface PlannedCase {
  fileNumber: string;
  person: { familyName: string; givenNames: string; dateOfBirth: string; nationality: string };
  steps: PlannedStep[];
}

const FAMILY = ["Adebayo", "Berisha", "Chaudhry", "Darwish", "Esfahani", "Fofana", "Gashi", "Haddad", "Ibrahimi", "Jalali", "Kebede", "Lamari", "Mansour", "Nazari", "Okafor", "Popescu", "Qureshi", "Rahimi", "Saleh", "Tesfaye"];
const GIVEN = ["Amina", "Bashir", "Chiara", "Dawit", "Elif", "Farid", "Grace", "Hamza", "Ines", "Jamal", "Karim", "Leila", "Musa", "Nadia", "Omar", "Parisa", "Rami", "Samira", "Tariq", "Yusuf"];
const NATIONALITY = ["SYR", "AFG", "IRQ", "TUR", "ERI", "IRN", "SOM", "GEO", "VEN", "NGA"];

const REG: PlannedStep = { agency: "ZAB", step: "REGISTERED", data: { facility: "AnKER Dresden", note: "Ankunftsnachweis ausgestellt" } };
const FILED: PlannedStep = { agency: "BAMF", step: "APPLICATION_FILED" };
const HEARING_SCHEDULED = (date: string): PlannedStep => ({ agency: "BAMF", step: "HEARING_SCHEDULED", businessDate: date });
const HEARING_HELD: PlannedStep = { agency: "BAMF", step: "HEARING_HELD", data: { interpreter: true } };
const DECISION = (outcome: string): PlannedStep => ({ agency: "BAMF", step: "DECISION_ISSUED", detail: outcome });
const SERVED: PlannedStep = { agency: "BAMF", step: "DECISION_SERVED" };
const FINAL: PlannedStep = { agency: "BAMF", step: "DECISION_FINAL" };
const OBLIGATION: PlannedStep = { agency: "ZAB", step: "DEPARTURE_OBLIGATION" };
const REPATRIATION = (date: string): PlannedStep => ({ agency: "ZAB", step: "REPATRIATION_SCHEDULED", businessDate: date });

/** The steps of each demo procedure, by the state it has reached. */
const PATHS: PlannedStep[][] = [
  // Phase I: registered, filed, hearing scheduled or held
  [REG],
  [REG, FILED],
  [REG, FILED, HEARING_SCHEDULED("2027-01-20")],
  [REG, FILED, HEARING_SCHEDULED("2026-11-10")], // hearing date passed without a hearing: deadline notice
  [REG, FILED, HEARING_SCHEDULED("2026-10-05"), HEARING_HELD],
  // Phase II: decisions, appeals, enforcement
  [REG, FILED, HEARING_SCHEDULED("2026-09-14"), HEARING_HELD, DECISION("REFUGEE_PROTECTION")], // allocation due
  [REG, FILED, HEARING_SCHEDULED("2026-09-15"), HEARING_HELD, DECISION("SUBSIDIARY_PROTECTION")], // allocation due
  [REG, FILED, HEARING_SCHEDULED("2026-08-03"), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED],
  [REG, FILED, HEARING_SCHEDULED("2026-08-04"), HEARING_HELD, DECISION("REJECTED_MANIFESTLY_UNFOUNDED"), SERVED, { agency: "BAMF", step: "APPEAL_FILED", detail: "SUSPENSIVE" }],
  [REG, FILED, HEARING_SCHEDULED("2026-07-01"), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED, FINAL, OBLIGATION],
  [REG, FILED, HEARING_SCHEDULED("2026-07-02"), HEARING_HELD, DECISION("INADMISSIBLE"), SERVED, FINAL, OBLIGATION, REPATRIATION("2027-02-10")],
  // the open repatriation stop: a follow-up application while a repatriation is scheduled
  [REG, FILED, HEARING_SCHEDULED("2026-06-10"), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED, FINAL, OBLIGATION, REPATRIATION("2027-01-28"), { agency: "BAMF", step: "FOLLOW_UP_APPLICATION_FILED" }],
  [REG, FILED, HEARING_SCHEDULED("2026-05-11"), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED, FINAL, OBLIGATION, REPATRIATION("2026-10-01"), { agency: "ZAB", step: "REPATRIATION_COMPLETED" }],
  [REG, FILED, HEARING_SCHEDULED("2026-05-12"), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED, FINAL, OBLIGATION, { agency: "ZAB", step: "VOLUNTARY_DEPARTURE" }],
  [REG, FILED, HEARING_SCHEDULED("2026-04-20"), HEARING_HELD, DECISION("REJECTED_UNFOUNDED"), SERVED, FINAL, OBLIGATION, REPATRIATION("2026-12-01"), { agency: "ZAB", step: "REPATRIATION_CANCELLED", detail: "PRACTICAL_OBSTACLE" }],
  // Phase III: prospects, allocation, transfer
  [REG, { agency: "BAMF", step: "PROSPECTS_ASSESSED", detail: "GOOD" }], // allocation due
  [REG, FILED, { agency: "BAMF", step: "PROSPECTS_ASSESSED", detail: "GOOD" }, { agency: "ZAB", step: "MUNICIPAL_ALLOCATION", detail: 14612 }],
  [REG, FILED, { agency: "BAMF", step: "PROSPECTS_ASSESSED", detail: "GOOD" }, { agency: "ZAB", step: "MUNICIPAL_ALLOCATION", detail: 14713 }, { agency: "ZAB", step: "TRANSFERRED_TO_MUNICIPALITY" }],
  [REG, FILED, HEARING_SCHEDULED("2026-06-01"), HEARING_HELD, DECISION("ASYLUM_ENTITLEMENT"), SERVED, { agency: "ZAB", step: "MUNICIPAL_ALLOCATION", detail: 14522 }, { agency: "ZAB", step: "TRANSFERRED_TO_MUNICIPALITY" }],
  [REG, FILED, { agency: "BAMF", step: "PROSPECTS_ASSESSED", detail: "NOT_GOOD" }],
];

/** Repeat the paths with varied districts until there are `count` cases. */
export function demoPlan(count = 40): PlannedCase[] {
  const districts = [14612, 14713, 14511, 14522, 14524, 14625, 14521, 14626, 14627, 14628, 14729, 14523, 14730];
  return Array.from({ length: count }, (_, i) => {
    const steps = PATHS[i % PATHS.length].map((s) =>
      s.step === "MUNICIPAL_ALLOCATION" ? { ...s, detail: districts[i % districts.length] } : s,
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
