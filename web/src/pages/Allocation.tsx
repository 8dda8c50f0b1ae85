// Allocation (ZAB): due cases with the proposed district and why (quota vs allocated), confirm or override;
// either records MUNICIPAL_ALLOCATION with the district code, followed live until confirmed. Paged by the
// service (10 due cases a page); the quota table is the standing before any proposal, in words as well.
import { useState, type FormEvent } from "react";
import type { AllocationProposals } from "../../../services/shared/contract";
import { errorText, request } from "../api";
import { ErrorMessage, LastUpdate, Loading, Message, PageTitle } from "../components";
import { DISTRICTS, districtName } from "../codelists";
import { useLoad } from "../hooks";
import { useI18n } from "../i18n";
import { CaseName, Pager } from "../lists";
import { StepProgress, newEventId } from "../step-progress";

type Proposal = AllocationProposals["proposals"][number];
const PAGE = 10;

export function AllocationPage() {
  const { t, pick, fmtNumber } = useI18n();
  const [offset, setOffset] = useState(0);
  const data = useLoad(() => request("listAllocationProposals", { query: { limit: PAGE, offset } }), [offset], ["ledger", "notification"]);
  const [done, setDone] = useState<{ eventId: string; caseRef: string; district: number; person: { held: boolean; fileNumber?: string; name?: string } }[]>([]);
  const pendingRefs = new Set(done.map((d) => d.caseRef));
  const proposals = (data.data?.proposals ?? []).filter((p) => !pendingRefs.has(p.caseRef));
  // the standing before any proposal (what has been allocated), as the service computes it
  const standings = data.data?.standings ?? [];

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
                  <CaseName caseRef={d.caseRef} person={d.person} /> → {districtName(d.district)} ({d.district})
                </p>
                <StepProgress eventId={d.eventId} initial="queued" />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="due-title">
        <h2 id="due-title">
          {t("dueCases")} {data.data ? `(${fmtNumber(data.data.total)})` : ""}
        </h2>
        {data.loading && !data.data ? <Loading /> : null}
        {data.data && proposals.length === 0 ? <p>{t("noDue")}</p> : null}
        <ul className="plain due-list" data-testid="due-list">
          {proposals.map((p) => (
            <DueItem key={p.caseRef} p={p} onDone={(eventId, district) => setDone((d) => [{ eventId, caseRef: p.caseRef, district, person: { held: p.held, fileNumber: p.fileNumber, name: p.name } }, ...d])} />
          ))}
        </ul>
        {data.data && data.data.total > PAGE ? <p className="small muted">{t("allocationPageNote")}</p> : null}
        {data.data ? <Pager total={data.data.total} offset={offset} limit={PAGE} onOffset={setOffset} label={t("dueCases")} /> : null}
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
                    <td>
                      {fmtNumber(s.lag, { maximumFractionDigits: 2 })}
                      <div className="small muted">{pick(s.lagText)}</div>
                    </td>
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
        <CaseName caseRef={p.caseRef} person={p} />
      </h3>
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
