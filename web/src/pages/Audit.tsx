// Auditor view: the state of the ledger (head block, what the listener processed, the last co-signed
// checkpoint, code-list hash), the latest audit report if one was written, and the rule history on chain
// (alerts and stops raised, resolved and ignored). No personal data anywhere.
import type { AuditReport, RuleHistoryEntry } from "../../../services/shared/contract";
import { ApiError, request } from "../api";
import { urlOf } from "../endpoints";
import { ErrorMessage, Hash, LastUpdate, Loading, Message, PageTitle } from "../components";
import { useLoad } from "../hooks";
import { useI18n } from "../i18n";
import { Link } from "../router";
import { can, useSession } from "../session";

type Report = AuditReport;

/** The audit tool's checks (services/audit/types.ts CheckId), named in i18n as check_<id> and checkDesc_<id>. */
const CHECK_IDS = ["chain", "code", "events", "hashchains", "rules", "commitments", "internal", "checkpoints", "compliance"] as const;
type CheckId = (typeof CHECK_IDS)[number];
const SEVERITIES = ["critical", "error", "warning"] as const;
type Severity = (typeof SEVERITIES)[number];

/** The tool's finding messages are English unless written "Deutsch / English". */
function bilingualOrEnglish(m: string): boolean {
  return m.includes(" / ");
}

async function loadReport(): Promise<Report | null> {
  try {
    return await request("getAuditReport", {});
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export function AuditPage() {
  const { t, pick, agency, fmtNumber, fmtDateTime } = useI18n();
  const { me, meta } = useSession();
  const opensCases = can(me, meta, "cases"); // administrators see the audit view but not the cases
  const status = useLoad(() => request("getLedgerStatus", {}), [], ["ledger"]);
  const report = useLoad(loadReport, [], ["ledger"]);
  const s = status.data;
  const kindLabel = (k: RuleHistoryEntry["kind"]) => (k === "alert" ? t("kind_ALERT") : k === "stop-resolved" ? `${t("kind_STOP")}: ${t("resolved")}` : k === "stop-ignored" ? t("kind_STOP_IGNORED") : `${t("kind_STOP")}: ${t("raised")}`);

  return (
    <>
      <PageTitle>{t("auditTitle")}</PageTitle>
      <p>{t("auditIntro")}</p>
      <ErrorMessage error={status.error} />
      {status.loading && !s ? <Loading /> : null}
      {s ? (
        <section aria-labelledby="ls-title" className="card" data-testid="ledger-status">
          <h2 id="ls-title">{t("ledgerStatus")}</h2>
          <dl className="kv">
            <dt>{t("headBlock")}</dt>
            <dd data-testid="head-block">{s.headBlock === null ? <span className="badge badge-bad">{s.chainError ? pick(s.chainError) : t("err_network")}</span> : fmtNumber(s.headBlock)}</dd>
            <dt>{t("listenerCheckpoint")}</dt>
            <dd>
              {s.listener ? (
                <>
                  {t("block")} {fmtNumber(s.listener.blockNumber)}
                  {s.listener.lagBlocks !== null ? ` (${t("lag")}: ${t("blocks", { n: fmtNumber(s.listener.lagBlocks) })})` : ""}
                </>
              ) : (
                "–"
              )}
            </dd>
            <dt>{t("lastSignedCheckpoint")}</dt>
            <dd data-testid="last-checkpoint">
              {s.lastSignedCheckpoint ? (
                <>
                  {t("block")} {fmtNumber(s.lastSignedCheckpoint.blockNumber)}, {fmtNumber(s.lastSignedCheckpoint.caseCount)} {t("cases")}, {t("signedAt")} {fmtDateTime(s.lastSignedCheckpoint.createdAt)}
                  <br />
                  <span className="small" data-testid="last-checkpoint-signer">
                    {/* this service signs with its own key: the agency is this one */}
                    {t("signer")}: {meta ? pick(meta.agencyName) || agency(meta.agency) : null}, {t("signerKey")} <Hash value={s.lastSignedCheckpoint.signer} full />
                  </span>
                  <br />
                  <span className="small">
                    {t("checkpointBlockHash")}: <Hash value={s.lastSignedCheckpoint.blockHash} full />
                  </span>
                  {s.lastSignedCheckpoint.commitmentsRoot !== null && (
                    <>
                      <br />
                      <span className="small" data-testid="last-checkpoint-root">
                        {t("checkpointRoot")} ({t(`commitmentsTree_${s.lastSignedCheckpoint.commitmentsTree}`)}
                        {s.lastSignedCheckpoint.stepCount !== null ? `, ${t("checkpointRootSteps", { n: fmtNumber(s.lastSignedCheckpoint.stepCount) })}` : ""}):{" "}
                        <Hash value={s.lastSignedCheckpoint.commitmentsRoot} full />
                      </span>
                    </>
                  )}
                </>
              ) : (
                t("none")
              )}
            </dd>
            <dt>{t("codeList")}</dt>
            <dd>
              {s.codeList.version}{" "}
              {s.codeList.matches === true ? (
                <span className="badge badge-ok">
                  <span aria-hidden="true">✓ </span>
                  {t("codeListOk")}
                </span>
              ) : s.codeList.matches === false ? (
                <span className="badge badge-bad">
                  <span aria-hidden="true">✗ </span>
                  {t("codeListMismatch")}
                </span>
              ) : null}
            </dd>
          </dl>
          <p>
            <a href={urlOf("auditExport", {})} download className="btn btn-secondary">
              {t("auditExport")}
            </a>
          </p>
        </section>
      ) : null}

      <section aria-labelledby="report-title" className="card">
        <h2 id="report-title">{t("auditReport")}</h2>
        <ErrorMessage error={report.error} />
        {report.loading && report.data === undefined ? <Loading /> : null}
        {report.data === null ? <p>{t("noReport")}</p> : null}
        {report.data ? <ReportView report={report.data} /> : null}
        {/* the audit tool writes its report outside the ledger, so no live event announces a new one */}
        <button type="button" className="btn btn-secondary" data-testid="reload-report" onClick={() => void report.reload()}>
          {t("reloadReport")}
        </button>
      </section>

      {s ? (
        <section aria-labelledby="rh-title">
          <h2 id="rh-title">{t("ruleHistory")}</h2>
          <ul className="counts">
            <li>
              {t("kind_ALERT")}: <strong>{fmtNumber(s.counts.alerts)}</strong>
            </li>
            <li>
              {t("kind_STOP")} {t("raised")}: <strong>{fmtNumber(s.counts.stopsRaised)}</strong>
            </li>
            <li>
              {t("kind_STOP")} {t("resolved")}: <strong>{fmtNumber(s.counts.stopsResolved)}</strong>
            </li>
            <li>
              {t("kind_STOP_IGNORED")}: <strong>{fmtNumber(s.counts.stopsIgnored)}</strong>
            </li>
            <li>
              {t("openStops")}: <strong>{fmtNumber(s.counts.casesWithOpenStop)}</strong>
            </li>
          </ul>
          {s.ruleHistory.length === 0 ? <p>{t("noRuleEvents")}</p> : null}
          {s.ruleHistory.length ? (
            <div className="table-wrap">
              <table className="data" data-testid="rule-history">
                <caption className="sr-only">{t("ruleHistory")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("event")}</th>
                    <th scope="col">{t("step")}</th>
                    <th scope="col">{t("reasons")}</th>
                    <th scope="col">{t("caseRef")}</th>
                    <th scope="col">{t("block")}</th>
                    <th scope="col">{t("recordedAt")}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.ruleHistory.map((r) => (
                    <tr key={`${r.txHash}-${r.name}-${r.blockNumber}-${r.caseRef}-${r.ledgerEventId}`} className={`rh-${r.kind}`}>
                      <td>
                        <span className={`badge ${r.kind === "alert" ? "badge-warn" : r.kind === "stop-resolved" ? "badge-ok" : "badge-bad"}`}>{kindLabel(r.kind)}</span>
                      </td>
                      <td>{r.step ? pick(r.step) : "–"}</td>
                      <td>{[...r.reasons, ...r.missing].map((x) => pick(x)).join(", ") || "–"}</td>
                      <td>
                        {opensCases ? (
                          <Link href={`/cases/${r.caseRef}`}>
                            <Hash value={r.caseRef} />
                          </Link>
                        ) : (
                          <Hash value={r.caseRef} />
                        )}
                      </td>
                      <td>{fmtNumber(r.blockNumber)}</td>
                      <td>{fmtDateTime(r.blockTime)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <LastUpdate at={status.updatedAt} />
        </section>
      ) : null}
      {!s && !status.loading && !status.error ? <Message kind="info">{t("noData")}</Message> : null}
    </>
  );
}

/** The audit report as the audit tool writes it (services/audit, format anker-audit-report-v1). */
function ReportView({ report: raw }: { report: Report }) {
  const { t, lang, pick, fmtDateTime, fmtNumber } = useI18n();
  const r = raw;
  // The audit tool writes its check titles and summaries in English: the German page names each check in
  // German (by its id) and keeps the tool's own line for the English page.
  const checkName = (id: string, title: string) => (lang === "de" && CHECK_IDS.includes(id as CheckId) ? t(`check_${id as CheckId}`) : pick(title));
  const checkSummary = (id: string, summary: string | undefined) => (lang === "de" && CHECK_IDS.includes(id as CheckId) ? t(`checkDesc_${id as CheckId}`) : pick(summary ?? ""));
  const severity = (sv: string) => (SEVERITIES.includes(sv as Severity) ? t(`severity_${sv as Severity}`) : sv);
  const checks = Array.isArray(r.checks) ? r.checks : [];
  const findings = Array.isArray(r.findings) ? r.findings : [];
  const statusBadge = (st: string) =>
    st === "pass" ? (
      <span className="badge badge-ok">{t("passed")}</span>
    ) : st === "fail" ? (
      <span className="badge badge-bad">{t("failed")}</span>
    ) : (
      <span className="badge badge-info">{st === "skipped" ? t("checkSkipped") : st}</span>
    );
  return (
    <div data-testid="audit-report">
      <dl className="kv">
        {r.generatedAt ? (
          <>
            <dt>{t("reportCreated")}</dt>
            <dd>{fmtDateTime(r.generatedAt)}</dd>
          </>
        ) : null}
        {r.verdict ? (
          <>
            <dt>{t("result")}</dt>
            <dd>
              <span className={`badge ${r.verdict === "clean" ? "badge-ok" : "badge-bad"}`}>{r.verdict === "clean" ? t("reportClean") : t("reportFindings")}</span>
              {r.summary ? ` ${t("findingCounts", { critical: fmtNumber(r.summary.critical), error: fmtNumber(r.summary.error), warning: fmtNumber(r.summary.warning) })}` : null}
            </dd>
          </>
        ) : null}
        {r.scope ? (
          <>
            <dt>{t("reportScope")}</dt>
            <dd>{t("reportScopeText", { from: fmtNumber(r.scope.fromBlock), to: fmtNumber(r.scope.toBlock), events: fmtNumber(r.scope.events), cases: fmtNumber(r.scope.cases) })}</dd>
          </>
        ) : null}
      </dl>
      {checks.length ? (
        <table className="data">
          <caption className="sr-only">{t("auditReport")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("check")}</th>
              <th scope="col">{t("result")}</th>
              <th scope="col">{t("detail")}</th>
            </tr>
          </thead>
          <tbody>
            {checks.map((c) => (
              <tr key={c.id}>
                <th scope="row">{checkName(c.id, c.title)}</th>
                <td>{statusBadge(c.status)}</td>
                <td>{checkSummary(c.id, c.summary)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {findings.length ? (
        <>
          <h3>{t("findings")}</h3>
          <div className="table-wrap">
            <table className="data">
              <caption className="sr-only">{t("findings")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("severity")}</th>
                  <th scope="col">{t("check")}</th>
                  <th scope="col">{t("detail")}</th>
                  <th scope="col">{t("caseRef")}</th>
                  <th scope="col">{t("block")}</th>
                </tr>
              </thead>
              <tbody>
                {findings.slice(0, 100).map((f, i) => (
                  <tr key={i}>
                    <td>
                      <span className={`badge ${f.severity === "warning" ? "badge-warn" : "badge-bad"}`}>{severity(f.severity)}</span>
                    </td>
                    <td>{CHECK_IDS.includes(f.check as CheckId) ? t(`check_${f.check as CheckId}`) : f.check}</td>
                    <td lang={bilingualOrEnglish(f.message) ? undefined : "en"}>{pick(f.message)}</td>
                    <td>{f.caseRef ? <Hash value={f.caseRef} /> : "–"}</td>
                    <td>{f.blockNumber !== undefined ? fmtNumber(f.blockNumber) : "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      <details>
        <summary>JSON</summary>
        <pre className="json" tabIndex={0}>
          {JSON.stringify(raw, null, 2)}
        </pre>
      </details>
    </div>
  );
}
