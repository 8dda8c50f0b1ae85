// Deadlines and overdue cases of this agency (hearing dates, appeal periods, planned repatriations),
// soonest first, each case by file number and name; paged by the service.
import { useState } from "react";
import { request } from "../api";
import { ErrorMessage, LastUpdate, Loading, Message, PageTitle } from "../components";
import { useLoad } from "../hooks";
import { useI18n, type MsgKey } from "../i18n";
import { CaseName, Pager } from "../lists";

const PAGE = 25;

export function DeadlinesPage() {
  const { t, tn, fmtDate } = useI18n();
  const [show, setShow] = useState<"all" | "overdue" | "upcoming">("all");
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    () => request("listDeadlines", { query: { overdue: show === "all" ? undefined : show === "overdue" ? "true" : "false", limit: PAGE, offset } }),
    [show, offset],
    ["ledger"],
  );
  const d = list.data;
  const state = (daysLeft: number) => (daysLeft < 0 ? tn("overdueBy", -daysLeft) : daysLeft === 0 ? t("dueToday") : tn("dueIn", daysLeft));
  return (
    <>
      <PageTitle>{t("deadlinesTitle")}</PageTitle>
      <p>{t("deadlinesIntro")}</p>
      <ErrorMessage error={list.error} />
      {d && d.overdue ? <Message kind="warning">{tn("overdueCount", d.overdue)}</Message> : null}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t("deadlinesTitle")}>
        <div className="field">
          <label htmlFor="dl-show">{t("showDeadlines")}</label>
          <select
            id="dl-show"
            value={show}
            onChange={(e) => {
              setShow(e.target.value as typeof show);
              setOffset(0);
            }}
          >
            <option value="all">{t("all")}</option>
            <option value="overdue">{t("onlyOverdue")}</option>
            <option value="upcoming">{t("onlyUpcoming")}</option>
          </select>
        </div>
      </form>
      {list.loading && !d ? <Loading /> : null}
      {d && d.deadlines.length === 0 ? <p>{t("noDeadlines")}</p> : null}
      {d && d.deadlines.length ? (
        <div className="table-wrap">
          <table className="data" data-testid="deadline-table">
            <caption className="sr-only">{t("deadlinesTitle")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("fileNumber")}</th>
                <th scope="col">{t("deadlineKind")}</th>
                <th scope="col">{t("deadlineDate")}</th>
                <th scope="col">{t("deadlineState")}</th>
              </tr>
            </thead>
            <tbody>
              {d.deadlines.map((x) => (
                <tr key={`${x.kind}-${x.caseRef}`} className={x.overdue ? "row-overdue" : ""} data-overdue={x.overdue}>
                  <td>
                    <CaseName caseRef={x.caseRef} person={x.case} />
                  </td>
                  <td>{t(`deadline_${x.kind}` as MsgKey)}</td>
                  <td className="nowrap">{fmtDate(x.date)}</td>
                  <td>{x.overdue ? <strong className="overdue">{state(x.daysLeft)}</strong> : state(x.daysLeft)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {d ? <Pager total={d.total} offset={offset} limit={PAGE} onOffset={setOffset} label={t("deadlinesTitle")} /> : null}
      <LastUpdate at={list.updatedAt} />
    </>
  );
}
