// The case's history for the paper file (/cases/{ref}/print): person (clerks), every step of both agencies
// with date, agency, step, detail and notes, and one verification seal in plain words instead of hashes,
// blocks and commitments. The print stylesheet drops the app around it; "Drucken" opens the browser's
// print dialog (which also saves a PDF).
import type { Timeline } from "../../../services/shared/contract";
import { ErrorMessage, Loading, PageTitle } from "../components";
import { useLoad } from "../hooks";
import { useI18n } from "../i18n";
import { Link } from "../router";
import { agencyLabel, useSession } from "../session";
import { loadWholeTimeline } from "./Timeline";
import { personName } from "../model";

function seal(d: Timeline): { ok: boolean; count: number } {
  const own = d.steps.filter((s) => s.own && s.record !== "erased");
  const bad = own.filter((s) => s.verified === false).length;
  return bad ? { ok: false, count: bad } : { ok: true, count: own.length };
}

export function PrintTimelinePage({ caseRef }: { caseRef: string }) {
  const { t, tn, pick, fmtDateTime, fmtDate, country } = useI18n();
  const { meta } = useSession();
  const tl = useLoad(() => loadWholeTimeline(caseRef), [caseRef]);
  const d = tl.data;
  const agencyName = (a: string) => agencyLabel(meta, a, (k) => t(`agencyShort_${k}`));
  const s = d ? seal(d) : undefined;
  return (
    <article className="print-view" data-testid="print-view">
      <p className="actions no-print">
        <button type="button" className="btn btn-primary" onClick={() => window.print()}>
          {t("printNow")}
        </button>
        <Link href={`/cases/${caseRef}`} className="btn btn-secondary">
          {t("printBack")}
        </Link>
      </p>
      <PageTitle>
        {t("printTitle")}
        {d?.person ? ` – ${d.person.fileNumber}` : ""}
      </PageTitle>
      <p className="small">
        {meta ? pick(meta.agencyName) : ""} · {t("printAsOf", { time: fmtDateTime(new Date()) })}
      </p>
      <ErrorMessage error={tl.error} />
      {tl.loading && !d ? <Loading /> : null}
      {d?.person ? (
        <dl className="kv print-person">
          <dt>{t("fileNumber")}</dt>
          <dd>{d.person.fileNumber}</dd>
          <dt>{t("personName")}</dt>
          <dd>{personName(d.person) || "–"}</dd>
          <dt>{t("dateOfBirth")}</dt>
          <dd>{fmtDate(d.person.dateOfBirth)}</dd>
          <dt>{t("nationality")}</dt>
          <dd>{country(d.person.nationality)}</dd>
        </dl>
      ) : null}
      {d ? (
        <>
          {d.openStops.reasons.length ? (
            <p className="print-stop">
              <strong>{t("stopOpen")}:</strong> {d.openStops.reasons.map((r) => pick(r)).join(", ")}
            </p>
          ) : null}
          <table className="data print-table">
            <caption className="sr-only">{t("printTitle")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("printWhen")}</th>
                <th scope="col">{t("printWho")}</th>
                <th scope="col">{t("printWhat")}</th>
                <th scope="col">{t("printNotes")}</th>
              </tr>
            </thead>
            <tbody>
              {d.steps.map((x) => (
                <tr key={x.ledgerEventId}>
                  <td className="nowrap">{fmtDateTime(x.blockTime)}</td>
                  <td>{agencyName(x.agency)}</td>
                  <td>
                    {pick(x.step)}
                    {x.detail ? ` – ${x.detail.de ? pick({ de: x.detail.de, en: x.detail.en }) : x.detail.value}` : ""}
                    {x.businessDate ? ` (${fmtDate(x.businessDate)})` : ""}
                  </td>
                  <td>{x.notices.map((n) => pick(n)).join(" ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className={`seal ${s?.ok ? "seal-ok" : "seal-bad"}`} data-testid="seal">
            {s && s.ok && s.count ? tn("sealOk", s.count) : s && !s.ok ? tn("sealBad", s.count) : t("sealNone")}
          </p>
          <p className="small">{t("printPartnerNote")}</p>
        </>
      ) : null}
    </article>
  );
}
