// Allocation (ZAB): due cases with the proposed district and why (quota vs allocated), confirm or override;
// either records MUNICIPAL_ALLOCATION with the district code, followed live until confirmed.
import { useState, type FormEvent } from "react";
import type { AllocationProposals } from "../../../services/shared/contract";
import { errorText, request } from "../api";
import { ErrorMessage, Hash, LastUpdate, Loading, Message, PageTitle } from "../components";
import { DISTRICTS, districtName } from "../codelists";
import { useLoad } from "../hooks";
import { useI18n } from "../i18n";
import { Link } from "../router";
import { StepProgress, newEventId } from "../step-progress";

type Proposal = AllocationProposals["proposals"][number];

export function AllocationPage() {
  const { t, fmtNumber } = useI18n();
  const data = useLoad(() => request("listAllocationProposals", {}), [], 3000);
  const [done, setDone] = useState<{ eventId: string; caseRef: string; district: number }[]>([]);
  const pendingRefs = new Set(done.map((d) => d.caseRef));
  const proposals = (data.data?.proposals ?? []).filter((p) => !pendingRefs.has(p.caseRef));
  // the standing before any of the listed proposals: the first proposal's view
  const standings = [...(data.data?.proposals[0]?.districts ?? [])].sort((a, b) => a.code - b.code);

  return (
    <>
      <PageTitle>{t("allocationTitle")}</PageTitle>
      <p>{t("allocationIntro")}</p>
      <ErrorMessage error={data.error} />

      {done.length ? (
        <section aria-labelledby="done-title">
          <h2 id="done-title">{t("allocated")}</h2>
          <ul className="plain">
            {done.map((d) => (
              <li key={d.eventId}>
                <p>
                  <Link href={`/cases/${d.caseRef}`}>
                    <Hash value={d.caseRef} />
                  </Link>{" "}
                  → {districtName(d.district)} ({d.district})
                </p>
                <StepProgress eventId={d.eventId} initial="queued" />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="due-title">
        <h2 id="due-title">
          {t("dueCases")} {data.data ? `(${proposals.length})` : ""}
        </h2>
        {data.loading && !data.data ? <Loading /> : null}
        {data.data && proposals.length === 0 ? <p>{t("noDue")}</p> : null}
        <ul className="plain due-list" data-testid="due-list">
          {proposals.map((p) => (
            <DueItem key={p.caseRef} p={p} onDone={(eventId, district) => setDone((d) => [{ eventId, caseRef: p.caseRef, district }, ...d])} />
          ))}
        </ul>
        <LastUpdate at={data.updatedAt} />
      </section>

      {standings.length ? (
        <section aria-labelledby="quota-title">
          <h2 id="quota-title">{t("quotaTable")}</h2>
          <div className="table-wrap">
            <table className="data num">
              <caption className="sr-only">{t("quotaTable")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("district")}</th>
                  <th scope="col">{t("share")}</th>
                  <th scope="col">{t("quota")}</th>
                  <th scope="col">{t("allocated")}</th>
                  <th scope="col">{t("gap")}</th>
                </tr>
              </thead>
              <tbody>
                {standings.map((s) => (
                  <tr key={s.code}>
                    <th scope="row">
                      {s.name} ({s.code})
                    </th>
                    <td>{fmtNumber(s.share, { style: "percent", maximumFractionDigits: 1 })}</td>
                    <td>{fmtNumber(s.quota, { maximumFractionDigits: 2 })}</td>
                    <td>{fmtNumber(s.allocated)}</td>
                    <td>{fmtNumber(s.lag, { maximumFractionDigits: 2 })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}

function DueItem({ p, onDone }: { p: Proposal; onDone: (eventId: string, district: number) => void }) {
  const { t, lang, pick, fmtDateTime } = useI18n();
  const [district, setDistrict] = useState(String(p.proposed.code));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const override = district !== String(p.proposed.code);
  const selectId = `district-${p.caseRef}`;
  const name = p.proposed.name;
  const reason = pick(p.explanation);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const eventId = newEventId();
    try {
      const r = await request("recordStep", { params: { caseRef: p.caseRef }, body: { eventId, step: "MUNICIPAL_ALLOCATION", detail: Number(district) } });
      onDone(r.eventId, Number(district));
    } catch (err) {
      setError(errorText(err, lang, t));
      setBusy(false);
    }
  };

  return (
    <li className="card due" data-case-ref={p.caseRef}>
      <h3>
        {p.fileNumber ? (
          <Link href={`/cases/${p.caseRef}`}>
            {p.fileNumber}
            {p.name ? ` – ${p.name}` : ""}
          </Link>
        ) : (
          <>{p.held ? t("caseHeldHere") : t("caseAtPartner")}</>
        )}
      </h3>
      {!p.fileNumber && (
        <p className="small muted">
          {t("caseRef")}: <Hash value={p.caseRef} />
        </p>
      )}
      <p className="small muted">
        {t("dueSince")}: {fmtDateTime(p.dueSince.blockTime)}
      </p>
      <p>
        <strong>{t("proposed")}:</strong> {name} ({p.proposed.code})
      </p>
      <p className="small">
        <strong>{t("reason")}:</strong> {reason}
      </p>
      <form onSubmit={submit} className="inline-form" noValidate>
        <div className="field">
          <label htmlFor={selectId}>{t("district")}</label>
          <select id={selectId} value={district} onChange={(e) => setDistrict(e.target.value)} data-testid="district-select">
            {DISTRICTS.map((d) => (
              <option key={d.code} value={String(d.code)}>
                {d.de} ({d.code}){String(d.code) === String(p.proposed.code) ? ` – ${t("proposed")}` : ""}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="allocate">
            {busy ? t("submitting") : override ? t("override") : t("confirm")}
          </button>
        </div>
      </form>
      {error ? <Message kind="error">{error}</Message> : null}
    </li>
  );
}
