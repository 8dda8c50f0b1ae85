// Work inbox: this agency's notices, open repatriation warnings first and apart from all filters, live
// (polling every 2 s), each acknowledged with one button.
import { useState } from "react";
import { errorText, request } from "../api";
import { ErrorMessage, Hash, LastUpdate, Loading, Message, PageTitle, StopIcon } from "../components";
import { detailText, ruleFlags, stopReasonByKey, yyyymmddToIso } from "../codelists";
import { useLoad } from "../hooks";
import { useI18n, type MsgKey } from "../i18n";
import type { NotificationPayload } from "../../../services/shared/contract";
import { isStop, loadNotices, loadOpenStops, stepOf, type Notice } from "../model";
import { Link } from "../router";
import { useSession } from "../session";

const KINDS: Notice["kind"][] = ["STOP", "STOP_IGNORED", "STOP_RESOLVED", "ALERT", "FORWARD", "ALLOCATION_DUE", "MUNICIPAL_ALLOCATION", "DEADLINE"];
const isKind = (k: string): k is Notice["kind"] => (KINDS as string[]).includes(k);

export function InboxPage() {
  const { t, lang, pick, fmtDateTime, fmtDate } = useI18n();
  const { me, meta } = useSession();
  const mayAck = me?.role === "clerk";
  const [kind, setKind] = useState("all");
  const [state, setState] = useState("open");
  const stops = useLoad(loadOpenStops, [], 2000);
  const notices = useLoad(
    () => loadNotices({ kind: isKind(kind) ? kind : undefined, unacknowledged: state === "all" ? undefined : state === "open" }),
    [kind, state],
    2000,
  );
  const [caseFilter, setCaseFilter] = useState("");
  const [feedback, setFeedback] = useState<{ kind: "success" | "error"; text: string } | undefined>();
  const [busyId, setBusyId] = useState<number | undefined>();

  const ack = async (n: Notice) => {
    setBusyId(n.id);
    setFeedback(undefined);
    try {
      await request("acknowledgeNotification", { params: { id: n.id } });
      setFeedback({ kind: "success", text: t("acknowledgedMsg", { id: n.id }) });
      await Promise.all([stops.reload(), notices.reload()]);
    } catch (err) {
      setFeedback({ kind: "error", text: errorText(err, lang, t) });
    } finally {
      setBusyId(undefined);
    }
  };

  const openStops = stops.data ?? [];
  // open stop warnings stand above, apart from every filter; the list below has everything else
  const others = (notices.data ?? []).filter((n) => !(isStop(n) && !n.acknowledgedAt));
  const shown = others.filter((n) => !caseFilter.trim() || n.caseRef.toLowerCase().includes(caseFilter.trim().toLowerCase()));
  const kindLabel = (k: string) => (isKind(k) ? t(`kind_${k}` as MsgKey) : k);

  const describe = (n: Notice): string => {
    const p: NotificationPayload = n.payload ?? {};
    const parts: string[] = [];
    const s = stepOf(p.step);
    if (s) parts.push(`${pick(s)}${typeof p.agency === "string" ? ` (${p.agency})` : ""}`);
    const detail = s ? detailText(s, p.detail, pick) : "";
    if (detail) parts.push(detail);
    if (p.businessDate) parts.push(`${t("businessDate")}: ${fmtDate(yyyymmddToIso(p.businessDate))}`);
    const reasons = p.reasons ?? [];
    if (reasons.length) parts.push(`${t("reasons")}: ${reasons.map((k) => pick(stopReasonByKey(k) ?? k)).join(", ")}`);
    if (p.missingFlags) parts.push(t("alertOutOfOrder", { missing: ruleFlags(p.missingFlags).map((f) => pick(f)).join(", ") }));
    return parts.join(" – ");
  };

  const ackButton = (n: Notice) =>
    n.acknowledgedAt ? (
      <span className="muted small">{n.acknowledgedBy ? t("acknowledgedBy", { who: n.acknowledgedBy, when: fmtDateTime(n.acknowledgedAt) }) : t("acknowledged")}</span>
    ) : !mayAck ? (
      <span className="muted small">{t("open")}</span>
    ) : (
      <button type="button" className="btn btn-secondary" onClick={() => ack(n)} disabled={busyId === n.id} data-testid={`ack-${n.id}`}>
        {busyId === n.id ? t("acknowledging") : t("acknowledge")}
        <span className="sr-only">
          {" "}
          {t("notice")} {n.id}
        </span>
      </button>
    );

  return (
    <>
      <PageTitle>{t("inboxTitle")}</PageTitle>
      <p>{t("inboxIntro", { agency: meta ? t(`agency_${meta.agency}`) : "" })}</p>
      <p className="muted small">{t("liveUpdates")}</p>
      {feedback ? <Message kind={feedback.kind}>{feedback.text}</Message> : null}
      <ErrorMessage error={stops.error ?? notices.error} />

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
                <strong>{kindLabel(n.kind)}</strong>
                <span>{describe(n)}</span>
                <span className="small">
                  {t("caseRef")}: <Link href={`/cases/${n.caseRef}`}>
                    <Hash value={n.caseRef} />
                    <span className="sr-only"> – {t("openCase")}</span>
                  </Link>
                </span>
                <span className="small muted">
                  {t("received")}: <NoticeTime value={n.createdAt} />
                </span>
              </div>
              {ackButton(n)}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="others-title">
        <h2 id="others-title">{t("otherNotices")}</h2>
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t("otherNotices")}>
          <div className="field">
            <label htmlFor="f-kind">{t("filterKind")}</label>
            <select id="f-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="all">{t("all")}</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {kindLabel(k)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-state">{t("filterState")}</label>
            <select id="f-state" value={state} onChange={(e) => setState(e.target.value)}>
              <option value="open">{t("open")}</option>
              <option value="acknowledged">{t("acknowledged")}</option>
              <option value="all">{t("all")}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-case">{t("filterCase")}</label>
            <input id="f-case" type="search" value={caseFilter} onChange={(e) => setCaseFilter(e.target.value)} />
          </div>
        </form>
        <p className="small" role="status">
          {notices.data ? t("noticeCount", { count: shown.length }) : ""}
        </p>
        {notices.data && shown.length === 0 ? <p>{t("noNotices")}</p> : null}
        {shown.length ? (
          <table className="data" data-testid="notice-table">
            <caption className="sr-only">{t("otherNotices")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("notice")}</th>
                <th scope="col">{t("caseRef")}</th>
                <th scope="col">{t("received")}</th>
                <th scope="col">{t("filterState")}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((n) => (
                <tr key={n.id} data-kind={n.kind}>
                  <td>
                    <span className={`kind kind-${n.kind.toLowerCase()}`}>{kindLabel(n.kind)}</span>
                    <div className="small">{describe(n)}</div>
                  </td>
                  <td>
                    <Link href={`/cases/${n.caseRef}`}>
                      <Hash value={n.caseRef} />
                      <span className="sr-only"> – {t("openCase")}</span>
                    </Link>
                  </td>
                  <td>
                    <NoticeTime value={n.createdAt} />
                  </td>
                  <td>{ackButton(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <LastUpdate at={notices.updatedAt} />
      </section>
    </>
  );
}

function NoticeTime({ value }: { value: string }) {
  const { fmtDateTime } = useI18n();
  return <time dateTime={value}>{fmtDateTime(value)}</time>;
}
