// Record a step: only the steps this agency may record, detail codes from the code lists, the business date
// where the step has one, an off-chain note; then the step is followed live until it is confirmed on chain.
// The case's open stops and alerts stand above the form; a step that an open stop concerns (vocab:
// STEPS_AGAINST_OPEN_STOP) is sent only after the clerk confirmed, naming the stop, that it is to go ahead.
// A district authority records its steps only for people whose current allocation (the case's latest
// MUNICIPAL_ALLOCATION) names its district, as the chain demands (NotAllocatedToDistrict): for anyone else
// the page does not offer them and says why; correcting or erasing its own records stays possible.
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import type { CaseAlerts, RecordStepBody, Timeline } from "../../../services/shared/contract";
import { errorText, request } from "../api";
import { Field, Hash, Loading, Message, PageTitle, StopIcon } from "../components";
import { stopsConcerning } from "../../../services/shared/vocab/stop-reasons";
import { detailCodes, districtName, stepByKey, stepsFor } from "../codelists";
import { useLoad } from "../hooks";
import { DateInput } from "../date-input";
import { isIsoDate } from "../dates";
import { useI18n } from "../i18n";
import { Link, useRouter } from "../router";
import { useSession } from "../session";
import { StepProgress, newEventId } from "../step-progress";
import { loadTimeline, loadWholeTimeline } from "./Timeline";
import { personName } from "../model";

export function RecordStepPage({ caseRef }: { caseRef: string }) {
  const { t, lang, pick, fmtDateTime, agency: agencyName } = useI18n();
  const { meta } = useSession();
  const { search } = useRouter();
  const agency = meta?.agency ?? "BAMF";
  // What this agency may record follows from its type (rights on chain, from the code lists), not its key.
  const agencyType = meta?.agencyType ?? "";
  const steps = useMemo(() => stepsFor(agencyType), [agencyType]);
  const [stepKey, setStepKey] = useState(() => (search.get("step") && stepsFor(agencyType).some((s) => s.key === search.get("step")) ? search.get("step")! : ""));
  const [detail, setDetail] = useState(search.get("detail") ?? "");
  const [businessDate, setBusinessDate] = useState("");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [submitted, setSubmitted] = useState<{ eventId: string; label: string } | undefined>();
  // A district needs the case's latest allocation, which a long case may have past the first page.
  const district = agencyType === "DISTRICT_AUTHORITY";
  const tl = useLoad(() => (district ? loadWholeTimeline(caseRef) : loadTimeline(caseRef)), [caseRef, district]);
  const allocation = district ? allocationOf(tl.data) : undefined;
  // Until the timeline answered, a district is not offered steps it may then lose (a preselected one too);
  // without an answer the service's refusal says why.
  const allocationKnown = !district || tl.data !== undefined || tl.error !== undefined;
  const notAllocatedHere = district && !!tl.data && allocation?.code !== meta?.agencyScope;
  const ownOnCase = (tl.data?.steps ?? []).some((s) => s.own);
  const offered = notAllocatedHere ? steps.filter((s) => (s.key === "CORRECTION" && ownOnCase) || (s.key === "ERASED" && !!tl.data?.held)) : steps;
  const step = offered.some((s) => s.key === stepKey) ? stepByKey(stepKey) : undefined;
  const al = useLoad(() => request("getCaseAlerts", { params: { caseRef } }), [caseRef], ["notification", "ledger"]);
  const openReasons = al.data?.openStops.reasons ?? [];
  const against = step
    ? stopsConcerning(
        step.key,
        openReasons.map((r) => r.key),
      )
    : [];
  const againstLabels = openReasons.filter((r) => against.includes(r.key)).map((r) => pick(r));
  const [confirmed, setConfirmed] = useState(false);
  const resultRef = useRef<HTMLHeadingElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  // After sending, the result takes the focus (screen readers read it; keyboard users continue there).
  useEffect(() => {
    if (submitted) resultRef.current?.focus();
  }, [submitted]);
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);
  const ownSteps = (tl.data?.steps ?? []).filter((s) => s.own && s.step.key !== "CORRECTION");
  const codes = step ? detailCodes(step.detail) : [];
  const detailOptional = step?.detail === "cancelReasons" || step?.detail === "erasureReasons";

  const reset = () => {
    setStepKey("");
    setDetail("");
    setBusinessDate("");
    setNote("");
    setSubmitted(undefined);
    setError(undefined);
    setConfirmed(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!step) errs.step = t("fieldRequired", { field: t("step") });
    if (step?.detail && !detailOptional && !detail) errs.detail = t("fieldRequired", { field: step.detail === "eventId" ? t("correctedEvent") : t("detail") });
    if (step?.businessDate && !businessDate) errs.businessDate = t("fieldRequired", { field: t("businessDate") });
    else if (step?.businessDate && (!isIsoDate(businessDate) || businessDate < "2000-01-01")) errs.businessDate = t("dateInvalid", { field: t("businessDate") });
    if (against.length && !confirmed) errs.confirmStop = t("confirmAgainstStopMissing", { stops: againstLabels.join(", ") });
    setErrors(errs);
    if (Object.keys(errs).length || !step) {
      setError(Object.values(errs).join(" "));
      return;
    }
    setBusy(true);
    setError(undefined);
    const eventId = newEventId();
    const body: RecordStepBody = { eventId, step: step.key };
    if (step.detail && detail) body.detail = step.detail === "eventId" ? detail : /^\d+$/.test(detail) ? Number(detail) : detail;
    if (step.businessDate) body.businessDate = businessDate;
    if (note.trim()) body.data = { note: note.trim() };
    try {
      const r = await request("recordStep", { params: { caseRef }, body });
      setSubmitted({ eventId: r.eventId, label: pick(step) });
    } catch (err) {
      setError(errorText(err, lang, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{t("recordTitle")}</PageTitle>
      {/* the person first where this agency holds the case; the reference is the secondary detail */}
      <p className="break" data-testid="record-case">
        {tl.data?.person ? (
          <>
            {t("fileNumber")}{" "}
            <Link href={`/cases/${caseRef}`} className="file-number">
              {tl.data.person.fileNumber}
            </Link>
            {personName(tl.data.person) ? ` – ${personName(tl.data.person)}` : null}
          </>
        ) : tl.data ? (
          <Link href={`/cases/${caseRef}`}>{t("caseAtPartner")}</Link>
        ) : null}
        <br />
        <span className="small">
          {t("caseRef")}: <Hash value={caseRef} />
        </span>
      </p>
      <p>{t("recordIntro", { agency: (meta ? pick(meta.agencyName) : "") || agencyName(agency) })}</p>
      <CaseWarnings alerts={al.data} loading={al.loading} />
      {notAllocatedHere ? (
        <div className="msg msg-warning" role="status" data-testid="not-allocated-here">
          <p>
            <strong>{t("dalloc_notAllocated")}</strong>
          </p>
          <p>{allocation ? t("dalloc_allocatedElsewhere", { district: `${allocation.name} (${allocation.code})` }) : t("dalloc_allocatedNowhere")}</p>
          {offered.length ? <p>{t("dalloc_onlyOwnRecords")}</p> : null}
          <p>
            <Link href="/allocation">{t("dalloc_toList")}</Link>
          </p>
        </div>
      ) : null}
      {!allocationKnown ? (
        <Loading />
      ) : notAllocatedHere && !offered.length ? (
        <div className="actions">
          <Link href={`/cases/${caseRef}`} className="btn btn-secondary">
            {t("toTimeline")}
          </Link>
        </div>
      ) : submitted ? (
        <section aria-labelledby="sent-title">
          <h2 id="sent-title" tabIndex={-1} ref={resultRef}>
            {t("stepSent", { step: submitted.label })}
          </h2>
          <StepProgress eventId={submitted.eventId} initial="queued" />
          <div className="actions">
            <Link href={`/cases/${caseRef}`} className="btn btn-primary">
              {t("toTimeline")}
            </Link>
            <button type="button" className="btn btn-secondary" onClick={reset}>
              {t("recordAnother")}
            </button>
          </div>
        </section>
      ) : (
        <form onSubmit={submit} noValidate className="card form" aria-labelledby="page-title" data-testid="record-form">
          <Field label={t("step")} required error={errors.step}>
            {(p) => (
              <select
                {...p}
                name="step"
                value={step ? stepKey : ""}
                onChange={(e) => {
                  setStepKey(e.target.value);
                  setDetail("");
                  setBusinessDate("");
                  setConfirmed(false);
                }}
              >
                <option value="">{t("chooseStep")}</option>
                {[1, 2, 3, 0].map((phase) => (
                  <optgroup key={phase} label={t(`phase_${phase}` as "phase_1") === "–" ? (lang === "de" ? "Übergreifend" : "Cross-cutting") : t(`phase_${phase}` as "phase_1")}>
                    {offered
                      .filter((s) => s.phase === phase)
                      .map((s) => (
                        <option key={s.key} value={s.key}>
                          {pick(s)}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            )}
          </Field>
          {step?.detail === "eventId" ? (
            <Field label={t("correctedEvent")} required error={errors.detail}>
              {(p) => (
                <select {...p} name="detail" value={detail} onChange={(e) => setDetail(e.target.value)}>
                  <option value="">{t("chooseDetail")}</option>
                  {ownSteps.map((s) => (
                    <option key={s.ledgerEventId} value={s.ledgerEventId}>
                      {pick(s.step)} – {fmtDateTime(s.blockTime)} ({s.ledgerEventId})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : step?.detail ? (
            <Field label={step.detail === "districts" ? t("district") : t("detail")} required={!detailOptional} error={errors.detail}>
              {(p) => (
                <select {...p} name="detail" value={detail} onChange={(e) => setDetail(e.target.value)}>
                  <option value="">{detailOptional ? `– ${t("optional")} –` : t("chooseDetail")}</option>
                  {codes.map((c) => (
                    <option key={c.key} value={String(c.code)}>
                      {pick(c)}
                      {step.detail === "districts" ? ` (${c.code})` : ""}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
          {step?.businessDate ? (
            <Field label={t("businessDate")} hint={t("dateHint")} required error={errors.businessDate}>
              {(p) => <DateInput {...p} name="businessDate" value={businessDate} onChange={setBusinessDate} />}
            </Field>
          ) : null}
          {against.length ? (
            <div className="stop-confirm" data-testid="stop-confirm">
              <p className="stop-confirm-text">
                <StopIcon />
                {t("againstStopWarning", { step: step ? pick(step) : "", stops: againstLabels.join(", ") })}
              </p>
              <div className={`check${errors.confirmStop ? " field-error" : ""}`}>
                <input id="confirm-stop" name="confirmStop" type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} aria-invalid={errors.confirmStop ? true : undefined} />
                <label htmlFor="confirm-stop">{t("confirmAgainstStop", { stops: againstLabels.join(", ") })}</label>
              </div>
            </div>
          ) : null}
          <Field label={`${t("note")} (${t("optional")})`} hint={t("noteHint")}>
            {(p) => <textarea {...p} name="note" rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? t("submitting") : t("submit")}
            </button>
            <Link href={`/cases/${caseRef}`} className="btn btn-secondary">
              {t("back")}
            </Link>
          </div>
          {busy ? <Message kind="info">{t("submitting")}</Message> : null}
          {error ? (
            <div className="msg msg-error" role="alert" tabIndex={-1} ref={errorRef}>
              {error}
            </div>
          ) : null}
        </form>
      )}
    </>
  );
}

/** The case's open stops and alerts, shown before anything is recorded. */
function CaseWarnings({ alerts, loading }: { alerts: CaseAlerts | undefined; loading: boolean }) {
  const { t, tn, pick } = useI18n();
  if (!alerts)
    return (
      <section className="case-warnings card" aria-labelledby="warnings-title" aria-busy={loading}>
        <h2 id="warnings-title">{t("caseWarningsTitle")}</h2>
        <p className="muted">{t("loading")}</p>
      </section>
    );
  const stops = alerts.openStops.reasons;
  return (
    <section className={`case-warnings card${stops.length ? " has-stop" : ""}`} aria-labelledby="warnings-title" data-testid="case-warnings">
      <h2 id="warnings-title">{t("caseWarningsTitle")}</h2>
      {stops.length ? (
        <div className="stop-inline">
          <p>
            <StopIcon />
            <strong>{tn("openStopsOnCase", stops.length)}</strong>
          </p>
          <ul>
            {stops.map((r) => (
              <li key={r.key}>{pick(r)}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p>{t("noOpenStopsOnCase")}</p>
      )}
      {alerts.alerts.length ? (
        <>
          <p>{tn("alertsOnCase", alerts.alerts.length)}</p>
          <ul>
            {alerts.alerts.map((a, i) => (
              <li key={`${a.ledgerEventId ?? i}`}>
                {pick(stepByKey(a.step.key) ?? a.step.key)}: {t("alertMissing", { missing: a.missing.map((m) => pick(m)).join(", ") })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** The case's current allocation: the district of its latest MUNICIPAL_ALLOCATION (the chain's allocatedTo). */
function allocationOf(tl: Timeline | undefined): { code: number; name: string } | undefined {
  const last = tl?.steps.filter((s) => s.step.key === "MUNICIPAL_ALLOCATION" && s.detail).at(-1);
  if (!last?.detail) return undefined;
  const code = Number(last.detail.value);
  return { code, name: districtName(code) };
}
