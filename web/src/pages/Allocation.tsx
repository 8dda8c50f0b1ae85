// Allocation (ZAB): due cases with the proposed district and why (quota vs allocated), confirm or override;
// either records MUNICIPAL_ALLOCATION with the district code, followed live until confirmed.
import { useState, type FormEvent } from "react";
import { api, errorText } from "../api";
import { ErrorMessage, Hash, LastUpdate, Loading, Message, PageTitle } from "../components";
import { DISTRICTS, districtName } from "../codelists";
import { useLoad } from "../hooks";
import { useI18n } from "../i18n";
import { list } from "../model";
import { Link } from "../router";
import { StepProgress, newEventId } from "../step-progress";

interface Standing {
  code: number;
  name?: string;
  population?: number;
  share?: number;
  quota: number;
  allocated: number;
  lag: number;
}
interface DueProposal {
  caseRef: string;
  fileNumber?: string;
  dueSince?: string | null;
  district: Standing;
  explanation?: { de: string; en: string } | string;
}

/** GET /api/allocation/proposals: each due case with the proposed district and every district's standing. */
function normalise(raw: unknown): { proposals: DueProposal[]; standings: Standing[] } {
  const rows = list<Record<string, unknown>>(raw, "proposals");
  const proposals = rows.map((p) => {
    const proposed = (p.proposed ?? {}) as { code?: number; name?: string };
    const standings = (Array.isArray(p.districts) ? p.districts : []) as Standing[];
    const code = Number(proposed.code);
    const district: Standing = standings.find((d) => d.code === code) ?? { code, name: proposed.name, quota: NaN, allocated: NaN, lag: NaN };
    const due = p.dueSince as { blockTime?: string } | string | null | undefined;
    return {
      caseRef: String(p.caseRef),
      fileNumber: typeof p.fileNumber === "string" ? p.fileNumber : undefined,
      dueSince: typeof due === "string" ? due : (due?.blockTime ?? null),
      district,
      explanation: p.explanation as DueProposal["explanation"],
    };
  });
  // the standing before any of the listed proposals: the first proposal's view
  const standings = (rows[0] && Array.isArray(rows[0].districts) ? rows[0].districts : []) as Standing[];
  return { proposals, standings };
}

export function AllocationPage() {
  const { t, fmtNumber } = useI18n();
  const data = useLoad(async () => normalise(await api<unknown>("GET", "/api/allocation/proposals")), [], 3000);
  const [done, setDone] = useState<{ eventId: string; caseRef: string; district: number }[]>([]);
  const pendingRefs = new Set(done.map((d) => d.caseRef));
  const proposals = (data.data?.proposals ?? []).filter((p) => !pendingRefs.has(p.caseRef));
  const standings = [...(data.data?.standings ?? [])].sort((a, b) => a.code - b.code);

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
                      {s.name ?? districtName(s.code)} ({s.code})
                    </th>
                    <td>{s.share !== undefined ? fmtNumber(s.share, { style: "percent", maximumFractionDigits: 1 }) : "–"}</td>
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

function DueItem({ p, onDone }: { p: DueProposal; onDone: (eventId: string, district: number) => void }) {
  const { t, lang, pick, fmtNumber, fmtDateTime } = useI18n();
  const [district, setDistrict] = useState(String(p.district.code));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const override = district !== String(p.district.code);
  const selectId = `district-${p.caseRef}`;
  const name = p.district.name ?? districtName(p.district.code);
  const reason =
    p.explanation !== undefined
      ? pick(p.explanation)
      : t("proposalReason", { district: name, allocated: fmtNumber(p.district.allocated), quota: fmtNumber(p.district.quota, { maximumFractionDigits: 2 }), gap: fmtNumber(p.district.lag, { maximumFractionDigits: 2 }) });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const eventId = newEventId();
    try {
      const r = await api<{ eventId: string }>("POST", `/api/cases/${encodeURIComponent(p.caseRef)}/steps`, { eventId, step: "MUNICIPAL_ALLOCATION", detail: Number(district) });
      onDone(r.eventId ?? eventId, Number(district));
    } catch (err) {
      setError(errorText(err, lang, t));
      setBusy(false);
    }
  };

  return (
    <li className="card due" data-case-ref={p.caseRef}>
      <h3>
        {p.fileNumber ? `${t("fileNumber")} ${p.fileNumber}` : null}
        {p.fileNumber ? " – " : null}
        <Hash value={p.caseRef} />
      </h3>
      {p.dueSince ? (
        <p className="small muted">
          {t("dueSince")}: {fmtDateTime(p.dueSince)}
        </p>
      ) : null}
      <p>
        <strong>{t("proposed")}:</strong> {name} ({p.district.code})
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
                {d.de} ({d.code}){String(d.code) === String(p.district.code) ? ` – ${t("proposed")}` : ""}
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
