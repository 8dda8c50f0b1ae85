// The shapes of the versioned code lists (codelists/codelists.json).
export type AgencyKey = "BAMF" | "ZAB";

export interface StepDef {
  code: number;
  key: string;
  phase: 0 | 1 | 2 | 3;
  agency: AgencyKey | "BOTH";
  /** the code list of the step's detail, "districts", "eventId" (a correction), or null */
  detail: string | null;
  businessDate: boolean;
  de: string;
  en: string;
}

export interface Code {
  code: number;
  key: string;
  de: string;
  en: string;
  positive?: boolean;
}

export interface District {
  code: number;
  de: string;
  population: number;
}

export interface CodeLists {
  version: string;
  description: string;
  agencies: { code: number; key: AgencyKey; de: string; en: string }[];
  steps: StepDef[];
  outcomes: Code[];
  appealKinds: Code[];
  appealResults: Code[];
  followUpResults: Code[];
  prospects: Code[];
  cancelReasons: Code[];
  erasureReasons: Code[];
  stopReasons: Code[];
  distributionKey: { version: string; source: string; districts: District[] };
}

/** A German and an English label. */
export interface Label {
  key: string;
  de: string;
  en: string;
}

/** A code-list entry as answers show it. */
export interface CodeLabel extends Label {
  code: number;
}
