// Record a step: only the steps this agency may record, detail codes from the code lists, the business date
// where the step has one, an off-chain note; then the step is followed live until it is confirmed on chain.
import { useMemo, useState, type FormEvent } from "react";
import type { RecordStepBody } from "../../../services/shared/contract";
import { errorText, request } from "../api";
import { Field, Hash, Message, PageTitle } from "../components";
import { detailCodes, stepByKey, stepsFor } from "../codelists";
import { useLoad } from "../hooks";
import { useI18n } from "../i18n";
import { Link, useRouter } from "../router";
import { useSession } from "../session";
import { StepProgress, newEventId } from "../step-progress";
import { loadTimeline } from "./Timeline";

export function RecordStepPage({ caseRef }: { caseRef: string }) {
  const { t, lang, pick, fmtDateTime } = useI18n();
  const { meta } = useSession();
  const { search } = useRouter();
  const agency = meta?.agency ?? "BAMF";
  const steps = useMemo(() => stepsFor(agency), [agency]);
  const [stepKey, setStepKey] = useState(() => (search.get("step") && stepsFor(agency).some((s) => s.key === search.get("step")) ? search.get("step")! : ""));
  const [detail, setDetail] = useState(search.get("detail") ?? "");
  const [businessDate, setBusinessDate] = useState("");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [submitted, setSubmitted] = useState<{ eventId: string; label: string } | undefined>();
  const step = stepByKey(stepKey);
  const tl = useLoad(() => loadTimeline(caseRef), [caseRef]);
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
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!step) errs.step = t("fieldRequired", { field: t("step") });
    if (step?.detail && !detailOptional && !detail) errs.detail = t("fieldRequired", { field: step.detail === "eventId" ? t("correctedEvent") : t("detail") });
    if (step?.businessDate && !/^\d{4}-\d{2}-\d{2}$/.test(businessDate)) errs.businessDate = t("fieldRequired", { field: t("businessDate") });
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
      <p className="break">
        {t("caseRef")}:{" "}
        <Link href={`/cases/${caseRef}`}>
          <Hash value={caseRef} full />
        </Link>
        {tl.data?.person ? ` – ${t("fileNumber")} ${tl.data.person.fileNumber}` : null}
      </p>
      <p>{t("recordIntro", { agency: t(`agency_${agency}`) })}</p>
      {submitted ? (
        <section aria-labelledby="sent-title">
          <h2 id="sent-title">{submitted.label}</h2>
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
                value={stepKey}
                onChange={(e) => {
                  setStepKey(e.target.value);
                  setDetail("");
                  setBusinessDate("");
                }}
              >
                <option value="">{t("chooseStep")}</option>
                {[1, 2, 3, 0].map((phase) => (
                  <optgroup key={phase} label={t(`phase_${phase}` as "phase_1") === "–" ? (lang === "de" ? "Übergreifend" : "Cross-cutting") : t(`phase_${phase}` as "phase_1")}>
                    {steps
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
            <Field label={t("businessDate")} required error={errors.businessDate}>
              {(p) => <input {...p} name="businessDate" type="date" min="2000-01-01" max="2999-12-31" value={businessDate} onChange={(e) => setBusinessDate(e.target.value)} />}
            </Field>
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
          {error ? <Message kind="error">{error}</Message> : null}
        </form>
      )}
    </>
  );
}
