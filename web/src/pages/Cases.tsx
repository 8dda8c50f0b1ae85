// Cases: exact search by file number (clerks), the list with phase and open stops, and registering a case.
// Auditors see the pseudonymous case references only — the service sends them no file numbers.
import { useState, type FormEvent } from "react";
import { errorText, request } from "../api";
import { ErrorMessage, Field, Hash, LastUpdate, Loading, Message, PageTitle, StopBadge } from "../components";
import { stepOf } from "../model";
import { useLoad } from "../hooks";
import { useI18n, type MsgKey } from "../i18n";
import { Link, useRouter } from "../router";
import { can, useSession } from "../session";

const FILE_NUMBER = /^\d{7}-\d{3}$/;

export function CasesPage() {
  const { t, pick, fmtDateTime } = useI18n();
  const { me, meta } = useSession();
  const { search, navigate } = useRouter();
  const personal = can(me, meta, "personalData");
  const query = search.get("fileNumber") ?? "";
  const [input, setInput] = useState(query);
  const [inputError, setInputError] = useState<string | undefined>();

  const cases = useLoad(
    () => request("listCases", { query: query ? { fileNumber: query } : { limit: 200 } }),
    [query],
    query ? undefined : 5000,
  );

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    const v = input.trim();
    if (v && !FILE_NUMBER.test(v)) {
      setInputError(`${t("err_400")} ${t("fileNumberHint")}`);
      return;
    }
    setInputError(undefined);
    navigate(v ? `/cases?fileNumber=${encodeURIComponent(v)}` : "/cases");
  };

  const rows = cases.data?.cases ?? [];
  return (
    <>
      <PageTitle>{t("casesTitle")}</PageTitle>
      {personal ? (
        <section aria-labelledby="search-title" className="card">
          <h2 id="search-title">{t("searchTitle")}</h2>
          <form onSubmit={onSearch} className="inline-form" role="search" aria-labelledby="search-title" noValidate>
            <Field label={t("fileNumber")} hint={t("fileNumberHint")} error={inputError}>
              {(p) => <input {...p} name="fileNumber" type="text" inputMode="numeric" autoComplete="off" value={input} onChange={(e) => setInput(e.target.value)} data-testid="file-number-search" />}
            </Field>
            <div className="actions">
              <button type="submit" className="btn btn-primary">
                {t("search")}
              </button>
              {query ? (
                <button
                  type="button"
                  className="btn btn-secondary"
                  onClick={() => {
                    setInput("");
                    navigate("/cases");
                  }}
                >
                  {t("showAll")}
                </button>
              ) : null}
            </div>
          </form>
        </section>
      ) : (
        <Message kind="info">{t("personHidden")}</Message>
      )}

      <section aria-labelledby="list-title">
        <h2 id="list-title">{query ? `${t("fileNumber")} ${query}` : t("casesTitle")}</h2>
        <ErrorMessage error={cases.error} />
        {cases.loading && !cases.data ? <Loading /> : null}
        {cases.data ? (
          <p role="status" className="small">
            {rows.length ? t("resultsCount", { count: cases.data.total }) : t("noResults")}
          </p>
        ) : null}
        {rows.length ? (
          <div className="table-wrap">
            <table className="data" data-testid="case-table">
              <caption className="sr-only">{t("casesTitle")}</caption>
              <thead>
                <tr>
                  {personal ? <th scope="col">{t("fileNumber")}</th> : null}
                  <th scope="col">{t("caseRef")}</th>
                  <th scope="col">{t("phase")}</th>
                  <th scope="col">{t("lastStep")}</th>
                  <th scope="col">{t("openStops")}</th>
                  {personal ? (
                    <th scope="col">
                      <span className="sr-only">{t("recordStep")}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => {
                  const s = stepOf(c.lastStep);
                  return (
                    <tr key={c.caseRef} data-case-ref={c.caseRef}>
                      {personal ? <td>{c.fileNumber ?? <span className="muted">–</span>}</td> : null}
                      <td>
                        <Link href={`/cases/${c.caseRef}`}>
                          <Hash value={c.caseRef} />
                          <span className="sr-only"> – {t("timelineTitle")}</span>
                        </Link>
                      </td>
                      <td>{t(`phase_${c.phase}` as MsgKey)}</td>
                      <td>
                        {s ? pick(s) : "–"}
                        {c.lastActivity ? <div className="small muted">{fmtDateTime(c.lastActivity)}</div> : null}
                      </td>
                      <td>
                        <StopBadge count={c.openStops.reasons.length} />
                        {c.openStops.reasons.length ? <div className="small">{c.openStops.reasons.map((r) => pick(r)).join(", ")}</div> : null}
                      </td>
                      {personal ? (
                        <td>
                          <Link href={`/cases/${c.caseRef}/record`} className="btn btn-secondary btn-small">
                            {t("recordStep")}
                            <span className="sr-only"> {c.fileNumber ?? c.caseRef}</span>
                          </Link>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
        <LastUpdate at={cases.updatedAt} />
      </section>

      {personal ? <NewCase onCreated={(ref) => navigate(`/cases/${ref}`)} /> : null}
    </>
  );

}

function NewCase({ onCreated }: { onCreated: (caseRef: string) => void }) {
  const { t, lang } = useI18n();
  const [f, setF] = useState({ fileNumber: "", familyName: "", givenNames: "", dateOfBirth: "", nationality: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ kind: "success" | "error"; text: string } | undefined>();
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!FILE_NUMBER.test(f.fileNumber.trim())) errs.fileNumber = `${t("err_400")} ${t("fileNumberHint")}`;
    if (!f.familyName.trim()) errs.familyName = t("fieldRequired", { field: t("familyName") });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(f.dateOfBirth.trim())) errs.dateOfBirth = t("fieldRequired", { field: t("dateOfBirth") });
    if (!/^[A-Za-z]{3}$/.test(f.nationality.trim())) errs.nationality = t("fieldRequired", { field: t("nationality") });
    setErrors(errs);
    if (Object.keys(errs).length) {
      setMsg({ kind: "error", text: Object.values(errs).join(" ") });
      return;
    }
    setBusy(true);
    setMsg(undefined);
    try {
      const r = await request("createCase", {
        body: {
          fileNumber: f.fileNumber.trim(),
          person: { familyName: f.familyName.trim(), givenNames: f.givenNames.trim(), dateOfBirth: f.dateOfBirth.trim(), nationality: f.nationality.trim().toUpperCase() },
        },
      });
      setMsg({ kind: "success", text: t("caseCreated", { fileNumber: f.fileNumber.trim() }) });
      onCreated(r.caseRef);
    } catch (err) {
      setMsg({ kind: "error", text: errorText(err, lang, t) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="new-case-title" className="card">
      <h2 id="new-case-title">{t("newCase")}</h2>
      <form onSubmit={submit} noValidate className="form grid-2">
        <Field label={t("fileNumber")} hint={t("fileNumberHint")} required error={errors.fileNumber}>
          {(p) => <input {...p} name="newFileNumber" type="text" autoComplete="off" value={f.fileNumber} onChange={set("fileNumber")} />}
        </Field>
        <Field label={t("familyName")} required error={errors.familyName}>
          {(p) => <input {...p} name="familyName" type="text" autoComplete="off" value={f.familyName} onChange={set("familyName")} />}
        </Field>
        <Field label={t("givenNames")}>{(p) => <input {...p} name="givenNames" type="text" autoComplete="off" value={f.givenNames} onChange={set("givenNames")} />}</Field>
        <Field label={t("dateOfBirth")} hint="JJJJ-MM-TT / YYYY-MM-DD" required error={errors.dateOfBirth}>
          {(p) => <input {...p} name="dateOfBirth" type="text" autoComplete="off" placeholder="1990-07-00" value={f.dateOfBirth} onChange={set("dateOfBirth")} />}
        </Field>
        <Field label={t("nationality")} hint="ISO 3166-1 alpha-3, z. B./e.g. SYR" required error={errors.nationality}>
          {(p) => <input {...p} name="nationality" type="text" autoComplete="off" maxLength={3} value={f.nationality} onChange={set("nationality")} />}
        </Field>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t("creating") : t("createCase")}
          </button>
        </div>
      </form>
      {msg ? <Message kind={msg.kind}>{msg.text}</Message> : null}
    </section>
  );
}
