// Cases: the list by file number and name (the file number is the link), filtered (phase, open stop, latest
// step, activity dates), sorted and paged by the service, exported as CSV; registering a new case at the top.
// Auditors see the pseudonymous case references only — the service sends them no file numbers or names.
import { useState, type FormEvent } from "react";
import type { CaseSummary } from "../../../services/shared/contract";
import { errorText, request } from "../api";
import { ErrorMessage, Field, LastUpdate, Loading, Message, PageTitle, StopBadge } from "../components";
import { stepOf } from "../model";
import { CODE_LISTS } from "../codelists";
import { urlOf } from "../endpoints";
import { DateInput } from "../date-input";
import { isIsoDate, isPartialIsoDate } from "../dates";
import { useLoad } from "../hooks";
import { useI18n, type MsgKey } from "../i18n";
import { CaseName, Pager, SortHeader } from "../lists";
import { Link, useRouter } from "../router";
import { can, useSession } from "../session";

const FILE_NUMBER = /^\d{7}-\d{3}$/;
const PAGE = 25;
type SortKey = "lastActivity" | "fileNumber" | "name" | "phase" | "openStops";
const SORT_KEYS: SortKey[] = ["lastActivity", "fileNumber", "name", "phase", "openStops"];
const FILTER_KEYS = ["q", "phase", "openStop", "lastStep", "from", "to"] as const;
type Filters = Record<(typeof FILTER_KEYS)[number], string>;

export function CasesPage() {
  const { t, tn, pick, fmtDateTime, lang } = useI18n();
  const { me, meta } = useSession();
  const { search, navigate, path } = useRouter();
  const personal = can(me, meta, "personalData");
  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, search.get(k) ?? ""])) as Filters;
  const sortParam = search.get("sort") ?? "";
  const sort: SortKey = (SORT_KEYS as string[]).includes(sortParam) ? (sortParam as SortKey) : "lastActivity";
  const order: "asc" | "desc" = search.get("order") === "asc" ? "asc" : search.get("order") === "desc" ? "desc" : sort === "lastActivity" ? "desc" : "asc";
  const offset = Math.max(0, Number(search.get("offset") ?? 0) || 0);
  const [draft, setDraft] = useState<Filters>(filters);
  const key = search.toString();

  const query = {
    q: filters.q.length >= 2 ? filters.q : undefined,
    phase: (["0", "1", "2", "3"] as const).find((p) => p === filters.phase),
    openStop: filters.openStop === "true" || filters.openStop === "false" ? filters.openStop : undefined,
    lastStep: filters.lastStep || undefined,
    from: filters.from || undefined,
    to: filters.to || undefined,
    sort,
    order,
  } as const;
  const cases = useLoad(() => request("listCases", { query: { ...query, limit: PAGE, offset } }), [key], ["ledger"]);

  const go = (next: Partial<Filters & { sort: string; order: string; offset: string }>) => {
    const params = new URLSearchParams(search);
    for (const [k, v] of Object.entries(next)) {
      if (v) params.set(k, v);
      else params.delete(k);
    }
    const qs = params.toString();
    navigate(qs ? `${path}?${qs}` : path);
  };
  const [dateErrors, setDateErrors] = useState<{ from?: string; to?: string }>({});
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const errs = {
      from: draft.from && !isIsoDate(draft.from) ? t("dateInvalid", { field: t("filterFrom") }) : undefined,
      to: draft.to && !isIsoDate(draft.to) ? t("dateInvalid", { field: t("filterTo") }) : undefined,
    };
    setDateErrors(errs);
    if (errs.from || errs.to) return;
    go({ ...draft, offset: "" });
  };
  const reset = () => {
    const empty = Object.fromEntries(FILTER_KEYS.map((k) => [k, ""])) as Filters;
    setDraft(empty);
    setDateErrors({});
    go({ ...empty, offset: "" });
  };
  const onSort = (column: SortKey, o: "asc" | "desc") => go({ sort: column, order: o, offset: "" });
  const csvHref = urlOf("exportCasesCsv", { query: { ...query, lang } });

  const rows: CaseSummary[] = cases.data?.cases ?? [];
  const steps = CODE_LISTS.steps;
  return (
    <>
      <PageTitle>{t("casesTitle")}</PageTitle>
      {personal ? (
        <details className="card new-case" data-testid="new-case">
          <summary className="btn btn-primary">{t("newCase")}</summary>
          <NewCase onCreated={(ref) => navigate(`/cases/${ref}`)} />
        </details>
      ) : (
        <Message kind="info">{t("personHidden")}</Message>
      )}

      <form className="filters card" onSubmit={apply} aria-label={t("casesTitle")} data-testid="case-filters">
        <div className="field">
          <label htmlFor="cf-q">{personal ? t("filterCaseAny") : t("filterCase")}</label>
          <input id="cf-q" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="cf-phase">{t("filterPhase")}</label>
          <select id="cf-phase" value={draft.phase} onChange={(e) => setDraft({ ...draft, phase: e.target.value })}>
            <option value="">{t("all")}</option>
            {[1, 2, 3].map((p) => (
              <option key={p} value={String(p)}>
                {t(`phase_${p}` as MsgKey)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="cf-stop">{t("filterOpenStop")}</label>
          <select id="cf-stop" value={draft.openStop} onChange={(e) => setDraft({ ...draft, openStop: e.target.value })}>
            <option value="">{t("all")}</option>
            <option value="true">{t("yes")}</option>
            <option value="false">{t("no")}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="cf-last">{t("filterLastStep")}</label>
          <select id="cf-last" value={draft.lastStep} onChange={(e) => setDraft({ ...draft, lastStep: e.target.value })}>
            <option value="">{t("all")}</option>
            {steps
              .filter((s) => s.phase > 0)
              .map((s) => (
                <option key={s.key} value={s.key}>
                  {pick(s)}
                </option>
              ))}
          </select>
        </div>
        <Field label={t("filterFrom")} hint={t("dateHint")} error={dateErrors.from}>
          {(p) => <DateInput {...p} name="from" value={draft.from} onChange={(v) => setDraft({ ...draft, from: v })} />}
        </Field>
        <Field label={t("filterTo")} hint={t("dateHint")} error={dateErrors.to}>
          {(p) => <DateInput {...p} name="to" value={draft.to} onChange={(v) => setDraft({ ...draft, to: v })} />}
        </Field>
        <div className="actions">
          <button type="submit" className="btn btn-primary">
            {t("applyFilters")}
          </button>
          <button type="button" className="btn btn-secondary" onClick={reset}>
            {t("resetFilters")}
          </button>
        </div>
      </form>

      <section aria-labelledby="list-title">
        <h2 id="list-title">{t("casesTitle")}</h2>
        <ErrorMessage error={cases.error} />
        {cases.loading && !cases.data ? <Loading /> : null}
        {cases.data ? (
          <p role="status" className="small list-head">
            <span>{rows.length ? tn("casesTotal", cases.data.total) : t("noResults")}</span>
            {rows.length ? (
              <a href={csvHref} download className="btn btn-secondary btn-small" data-testid="cases-csv">
                {t("exportCsv")}
              </a>
            ) : null}
          </p>
        ) : null}
        {rows.length ? <CaseTable rows={rows} personal={personal} sort={sort} order={order} onSort={onSort} fmtDateTime={fmtDateTime} /> : null}
        {cases.data ? <Pager total={cases.data.total} offset={offset} limit={PAGE} onOffset={(o) => go({ offset: o ? String(o) : "" })} label={t("casesTitle")} /> : null}
        <LastUpdate at={cases.updatedAt} />
      </section>
    </>
  );
}

/** The table of cases (also the search results): file number and name first, sortable when `onSort` is given. */
export function CaseTable({
  rows,
  personal,
  sort,
  order,
  onSort,
  fmtDateTime,
}: {
  rows: CaseSummary[];
  personal: boolean;
  sort?: SortKey;
  order?: "asc" | "desc";
  onSort?: (column: SortKey, order: "asc" | "desc") => void;
  fmtDateTime: (v: string | null) => string;
}) {
  const { t, pick } = useI18n();
  const head = (column: SortKey, label: string) => (onSort && sort && order ? <SortHeader column={column} label={label} sort={sort} order={order} onSort={onSort} /> : <th scope="col">{label}</th>);
  return (
    <div className="table-wrap">
      <table className="data" data-testid="case-table">
        <caption className="sr-only">{t("casesTitle")}</caption>
        <thead>
          <tr>
            {personal ? head("fileNumber", t("fileNumber")) : <th scope="col">{t("caseRef")}</th>}
            {personal ? head("name", t("personName")) : null}
            {head("phase", t("phase"))}
            {head("lastActivity", t("lastStep"))}
            {head("openStops", t("openStops"))}
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
                <td className="nowrap">
                  <CaseName caseRef={c.caseRef} person={{ held: c.held, fileNumber: c.fileNumber }} />
                </td>
                {personal ? <td>{c.name ?? <span className="muted">–</span>}</td> : null}
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
    if (!f.dateOfBirth) errs.dateOfBirth = t("fieldRequired", { field: t("dateOfBirth") });
    else if (!isPartialIsoDate(f.dateOfBirth)) errs.dateOfBirth = t("dateOfBirthInvalid", { field: t("dateOfBirth") });
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
          person: { familyName: f.familyName.trim(), givenNames: f.givenNames.trim(), dateOfBirth: f.dateOfBirth, nationality: f.nationality.trim().toUpperCase() },
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
        <Field label={t("dateOfBirth")} hint={t("dateOfBirthHint")} required error={errors.dateOfBirth}>
          {(p) => <DateInput {...p} name="dateOfBirth" partial value={f.dateOfBirth} onChange={(v) => setF({ ...f, dateOfBirth: v })} />}
        </Field>
        <Field label={t("nationality")} hint={t("nationalityHint")} required error={errors.nationality}>
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
