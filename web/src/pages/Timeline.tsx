// Case timeline: both agencies' steps in ledger order — who recorded what and when, the chain proof of each
// step (transaction, block, commitment; own steps re-verified: green "verifiziert" / red "Abweichung"),
// the notices each step raised, open stops and alerts. The service pages long cases: the first 50 steps come
// at once, "Weitere Schritte laden" fetches the next ones. A print view gives the paper file its copy.
import { useEffect, useState } from "react";
import type { Timeline } from "../../../services/shared/contract";
import { request } from "../api";
import { ErrorMessage, Hash, LastUpdate, Loading, Message, PageTitle, ProofBadge, StopIcon } from "../components";
import { useLoad, useShownOnce } from "../hooks";
import { useI18n } from "../i18n";
import { Link } from "../router";
import { agencyLabel, can, useSession } from "../session";
import { personName } from "../model";

export function loadTimeline(caseRef: string, cursor?: string, limit?: number): Promise<Timeline> {
  return request("getTimeline", { params: { caseRef }, query: { cursor, limit } });
}

/** Every page of a case's timeline, for the print view. */
export async function loadWholeTimeline(caseRef: string): Promise<Timeline> {
  const first = await loadTimeline(caseRef, undefined, 500);
  const steps = [...first.steps];
  let cursor = first.page.nextCursor;
  while (cursor) {
    const next = await loadTimeline(caseRef, cursor, 500);
    steps.push(...next.steps);
    cursor = next.page.nextCursor;
  }
  return { ...first, steps, page: { ...first.page, nextCursor: null } };
}

export function TimelinePage({ caseRef }: { caseRef: string }) {
  const { t, pick, fmtDateTime, fmtDate, fmtNumber, country } = useI18n();
  const { me, meta } = useSession();
  const tl = useLoad(() => loadTimeline(caseRef), [caseRef], ["ledger", "step"]);
  // later pages, fetched on demand; the live reload refreshes the first page only
  const [more, setMore] = useState<{ steps: Timeline["steps"]; cursor: string | null } | undefined>();
  const [moreBusy, setMoreBusy] = useState(false);
  const [moreError, setMoreError] = useState<unknown>();
  useEffect(() => setMore(undefined), [caseRef]);
  const nextCursor = more ? more.cursor : tl.data?.page.nextCursor ?? null;
  const loadMore = async () => {
    if (!nextCursor) return;
    setMoreBusy(true);
    setMoreError(undefined);
    try {
      const page = await loadTimeline(caseRef, nextCursor);
      setMore((m) => ({ steps: [...(m?.steps ?? []), ...page.steps], cursor: page.page.nextCursor }));
    } catch (err) {
      setMoreError(err);
    } finally {
      setMoreBusy(false);
    }
  };
  const al = useLoad(() => request("getCaseAlerts", { params: { caseRef } }), [caseRef], ["ledger", "notification"]);
  const ready = useShownOnce(tl, al);
  const d = tl.data && more ? { ...tl.data, steps: [...tl.data.steps, ...more.steps.filter((x) => !tl.data!.steps.some((y) => y.ledgerEventId === x.ledgerEventId))] } : tl.data;
  const stops = al.data?.openStops ?? d?.openStops;
  const agencyName = (a: string) => agencyLabel(meta, a, (k) => t(`agencyShort_${k}`));
  const stepName = (code: number, key: string) => {
    const s = d?.steps.find((x) => x.step.code === code)?.step;
    return s ? pick(s) : key;
  };

  // Person, stops and steps appear together: the buttons and warnings are not pushed down by a later
  // answer (a click meant for one would land on another).
  if (!ready)
    return (
      <>
        <PageTitle>{t("timelineTitle")}</PageTitle>
        <Loading />
      </>
    );
  return (
    <>
      <PageTitle>{t("timelineTitle")}</PageTitle>
      <p className="break">
        {/* the clerk knows the person by file number and name; the reference is the secondary detail */}
        {d?.person ? (
          <>
            <strong>{d.person.fileNumber}</strong> · {personName(d.person)}
            <br />
          </>
        ) : null}
        <small>
          {t("caseRef")}: <Hash value={caseRef} full />
        </small>
      </p>
      <p className="actions no-print">
        {can(me, meta, "record") ? (
          <Link href={`/cases/${caseRef}/record`} className="btn btn-primary">
            {t("recordStep")}
          </Link>
        ) : null}
        <Link href={`/cases/${caseRef}/print`} className="btn btn-secondary" data-testid="print-view-link">
          {t("printView")}
        </Link>
      </p>
      <ErrorMessage error={tl.error} />
      {tl.loading && !d ? <Loading /> : null}

      {d?.person ? (
        <section aria-labelledby="person-title" className="card" data-testid="person">
          <h2 id="person-title">{t("person")}</h2>
          {d.person.fictitious ? <p className="badge badge-info">{t("fictitious")}</p> : null}
          <dl className="kv">
            <dt>{t("fileNumber")}</dt>
            <dd>{d.person.fileNumber}</dd>
            <dt>{t("familyName")}</dt>
            <dd>{d.person.familyName ?? "–"}</dd>
            <dt>{t("givenNames")}</dt>
            <dd>{d.person.givenNames || "–"}</dd>
            <dt>{t("dateOfBirth")}</dt>
            <dd>{fmtDate(d.person.dateOfBirth)}</dd>
            <dt>{t("nationality")}</dt>
            <dd>{country(d.person.nationality)}</dd>
          </dl>
        </section>
      ) : d && !can(me, meta, "personalData") ? (
        <Message kind="info">{t("personHidden")}</Message>
      ) : null}

      {d || al.data ? (
        <section aria-labelledby="alerts-title" className={`card ${stops?.reasons.length ? "stops-open" : ""}`} data-testid="case-alerts">
          <h2 id="alerts-title">{t("openAlerts")}</h2>
          {stops?.reasons.length ? (
            <div className="stop-box" data-testid="case-stop">
              <strong>
                <StopIcon />
                {t("stopOpen")}:
              </strong>{" "}
              {stops.reasons.map((r) => pick(r)).join(", ")}
            </div>
          ) : null}
          {al.data?.alerts.length ? (
            <ul>
              {al.data.alerts.map((a, i) => (
                <li key={`${a.ledgerEventId}-${i}`}>
                  <span className="badge badge-warn">{t("kind_ALERT")}</span> {stepName(a.step.code, a.step.key)}: {t("alertOutOfOrder", { missing: a.missing.map((m) => pick(m)).join(", ") })} ({t("block")} {fmtNumber(a.blockNumber)})
                </li>
              ))}
            </ul>
          ) : null}
          {!stops?.reasons.length && !al.data?.alerts.length ? <p>{t("noOpenAlerts")}</p> : null}
        </section>
      ) : null}

      {d ? (
        <section aria-labelledby="steps-title">
          <h2 id="steps-title">
            {t("steps")} ({d.page.totalSteps})
          </h2>
          {d.steps.length === 0 && d.pending.length === 0 ? <p>{t("noSteps")}</p> : null}
          <ol className="timeline" data-testid="timeline">
            {d.steps.map((s) => (
              <li key={s.ledgerEventId} className={`tl-item tl-${s.agency.toLowerCase()}`} data-step={s.step.key} data-agency={s.agency}>
                <h3>
                  {pick(s.step)}
                  {s.detail ? <span className="tl-detail"> – {s.detail.de ? pick({ de: s.detail.de, en: s.detail.en }) : s.detail.value}</span> : null}
                </h3>
                <dl className="kv">
                  <dt>{t("recordedBy")}</dt>
                  <dd>
                    <span className={`agency agency-${s.agency.toLowerCase()}`}>{agencyName(s.agency)}</span>
                    {s.own ? <span className="muted"> ({t("ownStep")})</span> : null}
                  </dd>
                  <dt>{t("recordedAt")}</dt>
                  <dd>
                    <time dateTime={s.blockTime}>{fmtDateTime(s.blockTime)}</time>
                  </dd>
                  {s.businessDate ? (
                    <>
                      <dt>{t("businessDate")}</dt>
                      <dd>{fmtDate(s.businessDate)}</dd>
                    </>
                  ) : null}
                  {s.corrects ? (
                    <>
                      <dt>{t("detail")}</dt>
                      <dd>{t("corrects", { id: s.corrects })}</dd>
                    </>
                  ) : null}
                </dl>
                {s.notices.length ? (
                  <ul className="tl-notices">
                    {s.notices.map((n, i) => (
                      <li key={i} className={n.name === "StopChanged" || n.name === "StopIgnored" ? "notice-stop-inline" : n.name === "OutOfOrder" ? "notice-alert-inline" : ""}>
                        {pick(n)}
                      </li>
                    ))}
                  </ul>
                ) : null}
                <details className="proof">
                  <summary>
                    {t("chainProof")}:{" "}
                    {s.own ? s.verified === null || s.record === "erased" ? <span className="badge badge-info">{t("erased")}</span> : <ProofBadge verified={s.verified} /> : <span className="muted">{t("partnerStep")}</span>}{" "}
                    <span className="muted small">
                      {t("block")} {fmtNumber(s.blockNumber)}
                    </span>
                  </summary>
                  <dl className="kv">
                    <dt>{t("tx")}</dt>
                    <dd>
                      <Hash value={s.txHash} full />
                    </dd>
                    <dt>{t("block")}</dt>
                    <dd>{fmtNumber(s.blockNumber)}</dd>
                    <dt>{t("commitment")}</dt>
                    <dd>
                      <Hash value={s.commitment} full />
                    </dd>
                    <dt>{t("ledgerEventIdLabel")}</dt>
                    <dd>
                      <code>{s.ledgerEventId}</code>
                    </dd>
                  </dl>
                </details>
              </li>
            ))}
            {d.pending.map((p) => (
              <li key={p.eventId} className="tl-item tl-pending" data-step={p.step.key} data-state={p.state}>
                <h3>
                  {pick(p.step)}
                  {p.detail ? <span className="tl-detail"> – {p.detail.de ? pick({ de: p.detail.de, en: p.detail.en }) : p.detail.value}</span> : null}
                </h3>
                <p>
                  <span className={`badge ${p.state === "failed" ? "badge-bad" : "badge-info"}`}>{t(`state_${p.state}`)}</span> {fmtDateTime(p.createdAt)}
                  {p.failureReason ? <span> – {pick(p.failureReason)}</span> : null}
                </p>
              </li>
            ))}
          </ol>
          {d.page.totalSteps > d.steps.length ? (
            <div className="load-more no-print">
              <p className="small" role="status">
                {t("stepsShown", { shown: fmtNumber(d.steps.length), total: fmtNumber(d.page.totalSteps) })}
              </p>
              <ErrorMessage error={moreError} />
              {nextCursor ? (
                <button type="button" className="btn btn-secondary" onClick={loadMore} disabled={moreBusy} data-testid="load-more-steps">
                  {moreBusy ? t("loading") : t("loadMoreSteps")}
                </button>
              ) : null}
            </div>
          ) : null}
          <LastUpdate at={tl.updatedAt} />
        </section>
      ) : null}
    </>
  );
}
