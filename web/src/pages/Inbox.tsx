// Work inbox: this agency's notices, each naming its case by file number and name (or "Beim Partner
// erfasst"). Open repatriation warnings stand first and apart from all filters; the other notices are paged
// by the service (25 a page), filtered by kind, state and case (file number, name or reference), and can be
// acknowledged one by one or all selected at once. Reloads when the live stream reports a change.
import { useEffect, useState, type FormEvent } from "react";
import { errorText, request } from "../api";
import { ErrorMessage, LastUpdate, Loading, Message, PageTitle, StopIcon } from "../components";
import { detailText, ruleFlags, stopReasonByKey, yyyymmddToIso } from "../codelists";
import { useLoad, useShownOnce } from "../hooks";
import { useI18n, type MsgKey } from "../i18n";
import type { NotificationPayload } from "../../../services/shared/contract";
import { isStop, loadOpenStops, stepOf, type Notice } from "../model";
import { CaseName, Pager } from "../lists";
import { agencyLabel, useSession } from "../session";

const KINDS: Notice["kind"][] = ["STOP", "STOP_IGNORED", "STOP_RESOLVED", "ALERT", "FORWARD", "ALLOCATION_DUE", "MUNICIPAL_ALLOCATION", "DEADLINE"];
const isKind = (k: string): k is Notice["kind"] => (KINDS as string[]).includes(k);
const PAGE = 25;

export function InboxPage() {
  const { t, tn, lang, pick, fmtDateTime, fmtDate, agency } = useI18n();
  const { me, meta } = useSession();
  const mayAck = me?.role === "clerk";
  const [kind, setKind] = useState("all");
  const [state, setState] = useState("open");
  const [caseInput, setCaseInput] = useState("");
  const [q, setQ] = useState("");
  const [offset, setOffset] = useState(0);
  const stops = useLoad(loadOpenStops, [], ["notification", "acknowledged"]);
  const notices = useLoad(
    () =>
      request("listNotifications", {
        query: {
          group: "others",
          kind: isKind(kind) ? kind : undefined,
          unacknowledged: state === "all" ? undefined : state === "open" ? "true" : "false",
          q: q.length >= 2 ? q : undefined,
          limit: PAGE,
          offset,
        },
      }),
    [kind, state, q, offset],
    ["notification", "acknowledged"],
  );
  // the stops and the list appear together: the list is not pushed down when the stops arrive
  const ready = useShownOnce(stops, notices);
  const [feedback, setFeedback] = useState<{ kind: "success" | "error"; text: string } | undefined>();
  const [busy, setBusy] = useState<number | "many" | undefined>();
  const [selected, setSelected] = useState<Set<number>>(new Set());

  // a new page or filter starts with nothing selected
  useEffect(() => setSelected(new Set()), [kind, state, q, offset]);
  // filters start again at the first page
  const refilter = (f: () => void) => {
    f();
    setOffset(0);
  };

  const reloadAll = () => Promise.all([stops.reload(), notices.reload()]);

  const ack = async (n: Notice) => {
    setBusy(n.id);
    setFeedback(undefined);
    try {
      await request("acknowledgeNotification", { params: { id: n.id } });
      setFeedback({ kind: "success", text: t("acknowledgedMsg", { id: n.id }) });
      await reloadAll();
    } catch (err) {
      setFeedback({ kind: "error", text: errorText(err, lang, t) });
    } finally {
      setBusy(undefined);
    }
  };

  const ackSelected = async () => {
    if (!selected.size) return;
    setBusy("many");
    setFeedback(undefined);
    try {
      const r = await request("acknowledgeNotifications", { body: { ids: [...selected] } });
      setFeedback({ kind: "success", text: tn("ackedMany", r.acknowledged) });
      setSelected(new Set());
      await reloadAll();
    } catch (err) {
      setFeedback({ kind: "error", text: errorText(err, lang, t) });
    } finally {
      setBusy(undefined);
    }
  };

  const openStops = stops.data ?? [];
  const rows = notices.data?.notifications ?? [];
  const openOnPage = rows.filter((n) => !n.acknowledgedAt).map((n) => n.id);
  const allSelected = openOnPage.length > 0 && openOnPage.every((id) => selected.has(id));
  const kindLabel = (k: string) => (isKind(k) ? t(`kind_${k}` as MsgKey) : k);
  const toggle = (id: number) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const describe = (n: Notice): string => {
    const p: NotificationPayload = n.payload ?? {};
    const parts: string[] = [];
    const s = stepOf(p.step);
    if (s) parts.push(`${pick(s)}${typeof p.agency === "string" ? ` (${agencyLabel(meta, p.agency, (k) => agency(k, true))})` : ""}`);
    const detail = s ? detailText(s, p.detail, pick) : "";
    if (detail) parts.push(detail);
    if (p.businessDate) parts.push(`${t("businessDate")}: ${fmtDate(yyyymmddToIso(p.businessDate))}`);
    const reasons = p.reasons ?? [];
    if (reasons.length) parts.push(`${t("reasons")}: ${reasons.map((k) => pick(stopReasonByKey(k) ?? k)).join(", ")}`);
    if (p.missingFlags)
      parts.push(
        t("alertOutOfOrder", {
          missing: ruleFlags(p.missingFlags)
            .map((f) => pick(f))
            .join(", "),
        }),
      );
    return parts.join(" – ");
  };

  const ackState = (n: Notice) =>
    n.acknowledgedAt ? (
      <span className="muted small">
        {n.acknowledgedBy === "system:allocated"
          ? `${t("closedByAllocation")} (${fmtDateTime(n.acknowledgedAt)})`
          : n.acknowledgedBy
            ? t("acknowledgedBy", { who: n.acknowledgedBy, when: fmtDateTime(n.acknowledgedAt) })
            : t("acknowledged")}
      </span>
    ) : !mayAck ? (
      <span className="muted small">{t("open")}</span>
    ) : (
      <button type="button" className="btn btn-secondary btn-small" onClick={() => ack(n)} disabled={busy !== undefined} data-testid={`ack-${n.id}`}>
        {busy === n.id ? t("acknowledging") : t("acknowledge")}
        <span className="sr-only">
          {" "}
          {t("notice")} {n.id}
        </span>
      </button>
    );

  const applyCase = (e: FormEvent) => {
    e.preventDefault();
    refilter(() => setQ(caseInput.trim()));
  };

  return (
    <>
      <PageTitle>{t("inboxTitle")}</PageTitle>
      <p>{t("inboxIntro", { agency: meta ? pick(meta.agencyName) || agency(meta.agency) : "" })}</p>
      {feedback ? <Message kind={feedback.kind}>{feedback.text}</Message> : null}
      <ErrorMessage error={stops.error ?? notices.error} />
      {ready ? null : <Loading />}
      {ready ? (
        <>
          <section aria-labelledby="stops-title" className={`stops ${openStops.length ? "stops-open" : ""}`} data-testid="inbox-stops">
            <h2 id="stops-title">
              {openStops.length ? <StopIcon /> : null}
              {t("stopWarnings")} ({openStops.length})
            </h2>
            {stops.loading && !stops.data ? <Loading /> : null}
            {stops.data && openStops.length === 0 ? <p>{t("noStops")}</p> : null}
            <ul className="notice-list">
              {openStops.map((n) => (
                <li key={n.id} className="notice notice-stop" data-testid="stop-notice" data-case-ref={n.caseRef}>
                  <div className="notice-main">
                    <CaseName caseRef={n.caseRef} person={n.case} />
                    <strong>{kindLabel(n.kind)}</strong>
                    <span>{describe(n)}</span>
                    <span className="small muted">
                      {t("received")}: <NoticeTime value={n.createdAt} />
                    </span>
                  </div>
                  {ackState(n)}
                </li>
              ))}
            </ul>
          </section>

          <section aria-labelledby="others-title">
            <h2 id="others-title">{t("otherNotices")}</h2>
            <form className="filters" onSubmit={applyCase} aria-label={t("otherNotices")}>
              <div className="field">
                <label htmlFor="f-kind">{t("filterKind")}</label>
                <select id="f-kind" value={kind} onChange={(e) => refilter(() => setKind(e.target.value))}>
                  <option value="all">{t("all")}</option>
                  {KINDS.filter((k) => !isStop({ kind: k } as Notice) || state !== "open").map((k) => (
                    <option key={k} value={k}>
                      {kindLabel(k)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="f-state">{t("filterState")}</label>
                <select id="f-state" value={state} onChange={(e) => refilter(() => setState(e.target.value))}>
                  <option value="open">{t("open")}</option>
                  <option value="acknowledged">{t("acknowledged")}</option>
                  <option value="all">{t("all")}</option>
                </select>
              </div>
              <div className="field">
                <label htmlFor="f-case">{mayAck ? t("filterCaseAny") : t("filterCase")}</label>
                <input
                  id="f-case"
                  type="search"
                  value={caseInput}
                  onChange={(e) => setCaseInput(e.target.value)}
                  onBlur={() => caseInput.trim() !== q && refilter(() => setQ(caseInput.trim()))}
                  data-testid="inbox-case-filter"
                />
              </div>
              <div className="actions">
                <button type="submit" className="btn btn-secondary">
                  {t("applyFilters")}
                </button>
              </div>
            </form>
            <p className="small" role="status">
              {notices.data ? tn("noticesTotal", notices.data.total) : ""}
            </p>
            {notices.data && rows.length === 0 ? <p>{t("noNotices")}</p> : null}
            {mayAck && openOnPage.length ? (
              <div className="bulk-bar">
                <label className="check">
                  <input type="checkbox" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(openOnPage))} data-testid="select-all" />
                  {t("selectAllOnPage")}
                </label>
                <button type="button" className="btn btn-primary" disabled={!selected.size || busy !== undefined} onClick={ackSelected} data-testid="ack-selected">
                  {busy === "many" ? t("acknowledging") : selected.size ? tn("ackSelected", selected.size) : t("ackSelectedNone")}
                </button>
              </div>
            ) : null}
            {rows.length ? (
              <div className="table-wrap">
                <table className="data" data-testid="notice-table">
                  <caption className="sr-only">{t("otherNotices")}</caption>
                  <thead>
                    <tr>
                      {mayAck ? (
                        <th scope="col">
                          <span className="sr-only">{t("selectAllOnPage")}</span>
                        </th>
                      ) : null}
                      <th scope="col">{t("fileNumber")}</th>
                      <th scope="col">{t("notice")}</th>
                      <th scope="col">{t("received")}</th>
                      <th scope="col">{t("filterState")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((n) => (
                      <tr key={n.id} data-kind={n.kind} data-case-ref={n.caseRef}>
                        {mayAck ? (
                          <td>
                            {n.acknowledgedAt ? null : (
                              <input type="checkbox" aria-label={t("selectNotice", { id: n.id })} checked={selected.has(n.id)} onChange={() => toggle(n.id)} data-testid={`select-${n.id}`} />
                            )}
                          </td>
                        ) : null}
                        <td>
                          <CaseName caseRef={n.caseRef} person={n.case} />
                        </td>
                        <td>
                          <span className={`kind kind-${n.kind.toLowerCase()}`}>{kindLabel(n.kind)}</span>
                          <div className="small">{describe(n)}</div>
                        </td>
                        <td>
                          <NoticeTime value={n.createdAt} />
                        </td>
                        <td>{ackState(n)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            {notices.data ? <Pager total={notices.data.total} offset={offset} limit={PAGE} onOffset={setOffset} label={t("otherNotices")} /> : null}
            <LastUpdate at={notices.updatedAt} />
          </section>
        </>
      ) : null}
    </>
  );
}

function NoticeTime({ value }: { value: string }) {
  const { fmtDateTime } = useI18n();
  return <time dateTime={value}>{fmtDateTime(value)}</time>;
}
