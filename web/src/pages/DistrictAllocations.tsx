// Allocation (district immigration authority): the people allocated to this district and where each stands
// — arrival pending, overdue (allocated more than arrivalOverdueDays ago without arrival or non-arrival:
// said in words and marked, not by colour alone), arrived, not arrived — overdue first, paged by the
// service. Each row links to the record form with the district's next step preselected. Status filter and
// page live in the address (?status=overdue&offset=25), so "back" from the form returns to the same view.
import type { ReceivedAllocations } from "../../../services/shared/contract";
import { request } from "../api";
import { ErrorMessage, LastUpdate, Loading, Message, PageTitle } from "../components";
import { useLoad } from "../hooks";
import { useI18n, type MsgKey } from "../i18n";
import { CaseName, Pager } from "../lists";
import { Link, useRouter } from "../router";

type Allocation = ReceivedAllocations["allocations"][number];
type Status = Allocation["status"];
/** The filter's choices: the service's states but "received" (the service counts it under "due"). */
const FILTERS = ["due", "overdue", "arrived", "not-arrived"] as const satisfies readonly Status[];
type Filter = (typeof FILTERS)[number];
const PAGE = 25;

const STATUS_TEXT: Record<Status, MsgKey> = {
  due: "dalloc_status_due",
  received: "dalloc_status_received",
  overdue: "dalloc_status_overdue",
  arrived: "dalloc_status_arrived",
  "not-arrived": "dalloc_status_notArrived",
};
const FILTER_TEXT: Record<Filter, MsgKey> = { due: "dalloc_filter_due", overdue: "dalloc_filter_overdue", arrived: "dalloc_filter_arrived", "not-arrived": "dalloc_filter_notArrived" };

/**
 * The district's next steps for a row: confirm the allocation while it is not confirmed, else record the
 * arrival; once the arrival is overdue also that the person did not arrive (the chain asks only for the
 * allocation before either). After a non-arrival the arrival can still be recorded (it clears the
 * non-arrival, as on chain). Nothing after the arrival.
 */
function nextSteps(a: Allocation): { step: string; text: MsgKey }[] {
  if (a.status === "arrived") return [];
  if (a.status === "not-arrived") return [{ step: "ARRIVED_REGISTERED", text: "dalloc_act_arrived" }];
  const steps: { step: string; text: MsgKey }[] = [a.received ? { step: "ARRIVED_REGISTERED", text: "dalloc_act_arrived" } : { step: "ALLOCATION_RECEIVED", text: "dalloc_act_received" }];
  if (a.overdue) steps.push({ step: "NOT_ARRIVED", text: "dalloc_act_notArrived" });
  return steps;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD, calendar days, no time zone involved). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function DistrictAllocationsPage() {
  const { t, tn, fmtDate } = useI18n();
  const { path, search, navigate } = useRouter();
  const param = search.get("status");
  const status: Filter | undefined = FILTERS.find((f) => f === param);
  const offset = Math.max(0, Number(search.get("offset") ?? 0) || 0);
  const list = useLoad(() => request("listReceivedAllocations", { query: { status, limit: PAGE, offset } }), [status, offset], ["ledger"]);
  const d = list.data;
  const go = (next: { status?: Filter; offset?: number }) => {
    const q = new URLSearchParams();
    if (next.status) q.set("status", next.status);
    if (next.offset) q.set("offset", String(next.offset));
    const qs = q.toString();
    navigate(qs ? `${path}?${qs}` : path, { replace: true });
  };

  return (
    <>
      <PageTitle>{t("dalloc_title")}</PageTitle>
      <p>{d ? t("dalloc_intro", { district: `${d.district.name} (${d.district.code})`, days: d.arrivalOverdueDays }) : "\u00a0"}</p>
      <ErrorMessage error={list.error} />
      {d && d.overdue ? (
        <Message kind="warning">
          <span aria-hidden="true">⚠ </span>
          {tn("dalloc_overdue", d.overdue)}
        </Message>
      ) : null}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t("dalloc_title")}>
        <div className="field">
          <label htmlFor="dalloc-status">{t("dalloc_filter")}</label>
          <select id="dalloc-status" name="status" value={status ?? ""} onChange={(e) => go({ status: FILTERS.find((f) => f === e.target.value) })} data-testid="dalloc-filter">
            <option value="">{t("dalloc_filter_all")}</option>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(FILTER_TEXT[f])}
              </option>
            ))}
          </select>
        </div>
      </form>
      {list.loading && !d ? <Loading /> : null}
      {d ? (
        <p className="small muted" aria-live="polite">
          {tn("dalloc_total", d.total)}
        </p>
      ) : null}
      {d && d.allocations.length === 0 ? <p>{status ? t("dalloc_noneFiltered") : t("dalloc_none")}</p> : null}
      {d && d.allocations.length ? (
        <div className="table-wrap">
          <table className="data district-allocations stack-on-phone" data-testid="district-allocations">
            <caption className="sr-only">{t("dalloc_title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("dalloc_col_case")}</th>
                <th scope="col">{t("dalloc_col_allocatedOn")}</th>
                <th scope="col">{t("dalloc_col_dueBy")}</th>
                <th scope="col">{t("dalloc_col_status")}</th>
                <th scope="col">{t("dalloc_col_next")}</th>
              </tr>
            </thead>
            <tbody>
              {d.allocations.map((a) => {
                const steps = nextSteps(a);
                const who = a.case.fileNumber ?? "";
                return (
                  <tr key={a.caseRef} className={a.overdue ? "row-overdue" : ""} data-case-ref={a.caseRef} data-status={a.status} data-overdue={a.overdue}>
                    <td data-label={t("dalloc_col_case")}>
                      <CaseName caseRef={a.caseRef} person={a.case} />
                    </td>
                    <td data-label={t("dalloc_col_allocatedOn")} className="nowrap">
                      {fmtDate(a.allocatedAt.blockTime)}
                    </td>
                    <td data-label={t("dalloc_col_dueBy")} className="nowrap">
                      {fmtDate(a.arrivalDueBy)}
                    </td>
                    <td data-label={t("dalloc_col_status")} data-testid="dalloc-status">
                      {/* one element: the stacked layout (narrow screens) puts the cell's content beside its label */}
                      {a.overdue ? (
                        <span>
                          <strong className="overdue">
                            <span aria-hidden="true">⚠ </span>
                            {t(STATUS_TEXT[a.status])}
                          </strong>
                          <span className="small status-detail">{tn("dalloc_overdueSince", daysBetween(a.arrivalDueBy, d.today))}</span>
                          {a.received ? <span className="small status-detail">{t("dalloc_receivedNote")}</span> : null}
                        </span>
                      ) : (
                        <span>{t(STATUS_TEXT[a.status])}</span>
                      )}
                    </td>
                    <td data-label={t("dalloc_col_next")}>
                      {steps.length ? (
                        <ul className="plain row-steps">
                          {steps.map((s) => (
                            <li key={s.step}>
                              <Link href={`/cases/${a.caseRef}/record?step=${s.step}`} data-testid={`dalloc-act-${s.step}`}>
                                {t(s.text)}
                                {who ? <span className="sr-only"> {t("dalloc_actFor", { case: who })}</span> : null}
                              </Link>
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span className="muted">{t("dalloc_act_none")}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {d ? <Pager total={d.total} offset={offset} limit={PAGE} onOffset={(o) => go({ status, offset: o })} label={t("dalloc_title")} /> : null}
      <LastUpdate at={list.updatedAt} />
    </>
  );
}
