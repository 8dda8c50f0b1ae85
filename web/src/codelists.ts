// The domain vocabulary (services/shared/vocab: code lists bundled as JSON, labels in German and English)
// under the names the pages use. Browser-safe: the vocabulary imports no Node module.
export {
  CODE_LISTS,
  DISTRICTS,
  detailCodes,
  detailText,
  districtName,
  findStepByKey as stepByKey,
  ruleFlags,
  stepByCode,
  stepsFor,
  stopReasonByKey,
  yyyymmddToIso,
} from "../../services/shared/vocab";
export type { AgencyKey, Code, District, StepDef } from "../../services/shared/vocab";
