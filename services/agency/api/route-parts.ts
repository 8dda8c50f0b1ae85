// What several route declarations share, declared once: the groups of endpoints (OpenAPI tags) with what
// each is for, who may call (the roles table of README.md), and the refusals more than one route declares.
import { ROLES } from "../auth/roles";
import type { Access, ResponseSpec } from "./route";

/** The groups of endpoints (German / English), as the OpenAPI document and its docs page list them. */
export const TAG = {
  operations: "Betrieb / Operations",
  session: "Anmeldung / Session",
  cases: "Fälle / Cases",
  steps: "Schritte / Steps",
  notifications: "Benachrichtigungen / Notifications",
  allocation: "Zuweisung / Allocation",
  audit: "Prüfung / Audit",
  administration: "Verwaltung / Administration",
  webApp: "Web-Anwendung / Web app",
  documentation: "Dokumentation / Documentation",
} as const;

/** What each group is for; a tag without an entry is listed by name only. */
export const TAG_DESCRIPTIONS: Record<string, string> = {
  [TAG.operations]: "Lebenszeichen, Bereitschaft, Metriken / liveness, readiness, metrics",
  [TAG.session]: "Anmelden, abmelden, wer angemeldet ist / log in, log out, who is logged in",
  [TAG.cases]: "Fälle anlegen, finden, Verlauf, Stopps und Warnungen / register and find cases, timeline, stops and alerts",
  [TAG.steps]: "Verfahrensschritte erfassen und verfolgen / record steps and follow them to the chain",
  [TAG.notifications]: "Weitergeleitete Schritte, Warnungen, Stopps, Fristen / forwarded steps, alerts, stops, deadlines",
  [TAG.allocation]: "Zuweisung an die Kreise (zentrale Ausländerbehörde), Zuweisungen an den eigenen Kreis (untere Ausländerbehörde) / allocation to the districts (central authority), allocations to its district (district authority)",
  [TAG.audit]: "Prüfexport, signierte Checkpoints, Prüfbericht / audit export, signed checkpoints, audit report",
  [TAG.administration]: "Benutzer und Rollen, API-Clients, Webhook, Verwaltungsprotokoll / users and roles, API clients, webhook, admin trail",
  [TAG.webApp]: "Was die Bedienoberfläche zusätzlich liest: Dienst, Kennzahlen, Stand der Kette / what the user interface reads besides: service, figures, ledger status",
  [TAG.documentation]: "Diese Beschreibung / this description",
};

/** Who may call: the columns of the roles table. Only clerks write and see personal data; auditors read
 * cases without it; administrators manage accounts and do not read cases. */
export const ACCESS = {
  public: { public: true },
  anyRole: { roles: ROLES },
  clerks: { roles: ["clerk"] },
  caseReaders: { roles: ["clerk", "auditor"] },
  auditors: { roles: ["auditor", "admin"] },
  admins: { roles: ["admin"] },
} as const satisfies Record<string, Access>;

/** A case neither registered here nor known from the ledger. */
export const UNKNOWN_CASE: ResponseSpec = { description: "Fall unbekannt / unknown case" };

/** The refusals of recording a step, single or in bulk. */
export const RECORDING_REFUSALS: Record<number, ResponseSpec> = {
  403: {
    description:
      "Keine Berechtigung, CSRF-Token fehlt, oder der Fall ist nicht dem Kreis dieser unteren Ausländerbehörde zugewiesen (not-allocated-to-district) / forbidden, CSRF token missing, or the case is not allocated to this district authority's district",
  },
  404: UNKNOWN_CASE,
  409: { description: "eventId mit anderem Inhalt verwendet / eventId reused with a different body" },
  503: { description: "Code-Listen weichen von der Kette ab / code lists differ from the chain" },
};
