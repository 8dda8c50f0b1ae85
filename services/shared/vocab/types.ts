// The shapes of the versioned code lists (codelists/codelists.json, earlier versions in codelists/history/).

/**
 * An agency of the network as the services name it: "BAMF" and "ZAB" for the pilot agencies, any other key
 * (e.g. "ABH-14625") for agencies that joined later. Which agencies exist is read from the chain, not from code.
 */
export type AgencyKey = string;

/** The form of an agency key (config `AGENCY`, API answers). */
export const AGENCY_KEY_PATTERN = /^[A-Z][A-Z0-9-]{1,23}$/;

/** A type of member agency (code lists `agencyTypes`): which steps it may record is data on chain. */
export type AgencyTypeKey = string;

export interface AgencyTypeDef {
  code: number;
  key: AgencyTypeKey;
  /** members of this type write only for cases whose current allocation names their scope */
  allocationScoped: boolean;
  de: string;
  en: string;
}

export interface StepDef {
  code: number;
  key: string;
  phase: 0 | 1 | 2 | 3;
  /** the agency types that may record the step */
  types: AgencyTypeKey[];
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

/** Numbers the rules use that the consortium sets with the code lists. */
export interface CodeListParameters {
  /** a person allocated to a district more than this many days ago and not yet arrived is overdue */
  arrivalOverdueDays: number;
}

export interface CodeLists {
  version: string;
  description: string;
  agencyTypes: AgencyTypeDef[];
  parameters: CodeListParameters;
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
