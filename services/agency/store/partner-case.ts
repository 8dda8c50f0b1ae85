// A partner's case: known from the ledger (the other agency recorded a step for it) but not registered here
// with its file number and person. To record a step for it this agency keeps a Case row without personal
// data, whose fileNumber column holds a placeholder (the schema requires one). Registering the case later
// (POST /api/cases with the file number whose case reference matches) fills in file number and person.
export const PLACEHOLDER_PREFIX = "ledger:";

export function placeholderFileNumber(caseRef: string): string {
  return PLACEHOLDER_PREFIX + caseRef;
}

export function isPlaceholder(fileNumber: string): boolean {
  return fileNumber.startsWith(PLACEHOLDER_PREFIX);
}
