// Dashboard: cases per phase, steps per day, processing times between key steps (median and 90th
// percentile) for a chosen period — counts only, never a single case.
import { useMemo, useState, type FormEvent } from "react";
import type { ChartConfiguration } from "chart.js";
import { request } from "../api";
import { urlOf } from "../endpoints";
import { ErrorMessage, LastUpdate, Loading, Message, PageTitle } from "../components";
import { ChartCanvas, COLORS } from "../chart";
import { useLoad } from "../hooks";
import { useI18n, type MsgKey } from "../i18n";

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => isoDay(new Date(Date.now() - n * 86400_000));

export function DashboardPage() {
  const { t, pick, fmtNumber, fmtDate, lang } = useI18n();
  const [period, setPeriod] = useState({ from: daysAgo(29), to: isoDay(new Date()) });
  const [draft, setDraft] = useState(period);
  const [formError, setFormError] = useState<string | undefined>();
  const stats = useLoad(() => request("getStats", { query: { from: period.from, to: period.to } }), [period.from, period.to], 10000);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (!draft.from || !draft.to || draft.from > draft.to) {
      setFormError(t("invalidPeriod"));
      return;
    }
    setFormError(undefined);
    setPeriod(draft);
  };
  const preset = (days: number) => {
    const p = { from: daysAgo(days - 1), to: isoDay(new Date()) };
    setDraft(p);
    setPeriod(p);
    setFormError(undefined);
  };

  // Durations: hours when short, days when long, in the user's number format.
  const s = stats.data;
  const maxP90 = Math.max(0, ...(s?.processingTimes ?? []).map((p) => p.p90Seconds ?? 0));
  const unit = maxP90 >= 3 * 86400 ? "days" : maxP90 >= 3 * 3600 ? "hours" : maxP90 >= 180 ? "minutes" : "seconds";
  const perUnit = { days: 86400, hours: 3600, minutes: 60, seconds: 1 }[unit];
  const toUnit = (sec: number | null) => (sec === null ? null : sec / perUnit);

  const phaseConfig = useMemo<ChartConfiguration | null>(() => {
    if (!s) return null;
    return {
      type: "bar",
      data: {
        labels: s.casesPerPhase.map((p) => t(`phase_${p.phase}` as MsgKey).split(" – ")),
        datasets: [{ label: t("cases"), data: s.casesPerPhase.map((p) => p.count), backgroundColor: s.casesPerPhase.map((p) => COLORS.phase[p.phase] ?? "#444") }],
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    };
  }, [s, t]);
  const dayConfig = useMemo<ChartConfiguration | null>(() => {
    if (!s) return null;
    return {
      type: "bar",
      data: {
        labels: s.stepsPerDay.map((d) => fmtDate(d.day)),
        datasets: [
          { label: t("agencyShort_BAMF"), data: s.stepsPerDay.map((d) => d.BAMF), backgroundColor: COLORS.BAMF },
          { label: t("agencyShort_ZAB"), data: s.stepsPerDay.map((d) => d.ZAB), backgroundColor: COLORS.ZAB },
        ],
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    };
  }, [s, t, fmtDate]);
  const timeConfig = useMemo<ChartConfiguration | null>(() => {
    if (!s) return null;
    const rows = s.processingTimes.filter((p) => p.count > 0);
    return {
      type: "bar",
      data: {
        labels: rows.map((p) => `${pick(p.from)} → ${pick(p.to)}`),
        datasets: [
          // minBarLength: an interval of zero length (two steps in the same block) is drawn, not hidden
          { label: `${t("median")} (${t(unit)})`, data: rows.map((p) => toUnit(p.medianSeconds)), backgroundColor: COLORS.median, minBarLength: 4 },
          { label: `${t("p90")} (${t(unit)})`, data: rows.map((p) => toUnit(p.p90Seconds)), backgroundColor: COLORS.p90, minBarLength: 4 },
        ],
      },
      options: { indexAxis: "y", scales: { x: { beginAtZero: true } } },
    };
  }, [s, t, pick, unit]);

  const stepsTotal = (s?.stepsPerDay ?? []).reduce((a, d) => a + d.total, 0);
  const casesTotal = (s?.casesPerPhase ?? []).reduce((a, d) => a + d.count, 0);
  const dur = (sec: number | null) => (sec === null ? "–" : `${fmtNumber(toUnit(sec), { maximumFractionDigits: 1 })} ${t(unit)}`);

  return (
    <>
      <PageTitle>{t("dashboardTitle")}</PageTitle>
      <p>{t("dashboardIntro")}</p>
      <form onSubmit={apply} className="card inline-form" aria-label={t("period")} noValidate>
        <div className="field">
          <label htmlFor="p-from">{t("from")}</label>
          <input id="p-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} aria-invalid={formError ? true : undefined} />
        </div>
        <div className="field">
          <label htmlFor="p-to">{t("to")}</label>
          <input id="p-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} aria-invalid={formError ? true : undefined} />
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary">
            {t("apply")}
          </button>
          <button type="button" className="btn btn-secondary" onClick={() => preset(7)}>
            {t("last7")}
          </button>
          <button type="button" className="btn btn-secondary" onClick={() => preset(30)}>
            {t("last30")}
          </button>
          <button type="button" className="btn btn-secondary" onClick={() => preset(90)}>
            {t("last90")}
          </button>
        </div>
      </form>
      {formError ? <Message kind="error">{formError}</Message> : null}
      <p role="status" className="small list-head">
        <span>
          {t("period")}: {fmtDate(period.from)} – {fmtDate(period.to)}
        </span>
        <a href={urlOf("exportStatsCsv", { query: { from: period.from, to: period.to, lang } })} download className="btn btn-secondary btn-small" data-testid="stats-csv">
          {t("exportCsv")}
        </a>
      </p>
      <ErrorMessage error={stats.error} />
      {stats.loading && !s ? <Loading /> : null}
      {s ? (
        <div className="charts" key={lang}>
          <section aria-labelledby="c-phase" className="card">
            <h2 id="c-phase">{t("casesPerPhase")}</h2>
            {casesTotal === 0 ? <p>{t("noData")}</p> : null}
            {phaseConfig ? <ChartCanvas config={phaseConfig} label={t("chartSummary", { title: t("casesPerPhase") })} testId="chart-phase" /> : null}
            <details>
              <summary>{t("showTable")}</summary>
              <table className="data num">
                <caption className="sr-only">{t("casesPerPhase")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("phase")}</th>
                    <th scope="col">{t("cases")}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.casesPerPhase.map((p) => (
                    <tr key={p.phase}>
                      <th scope="row">{t(`phase_${p.phase}` as MsgKey)}</th>
                      <td>{fmtNumber(p.count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </section>
          <section aria-labelledby="c-day" className="card">
            <h2 id="c-day">{t("stepsPerDay")}</h2>
            {stepsTotal === 0 ? <p>{t("noData")}</p> : null}
            {dayConfig ? <ChartCanvas config={dayConfig} label={t("chartSummary", { title: t("stepsPerDay") })} testId="chart-days" /> : null}
            <details>
              <summary>{t("showTable")}</summary>
              <table className="data num">
                <caption className="sr-only">{t("stepsPerDay")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("day")}</th>
                    <th scope="col">{t("agencyShort_BAMF")}</th>
                    <th scope="col">{t("agencyShort_ZAB")}</th>
                    <th scope="col">{t("count")}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.stepsPerDay
                    .filter((d) => d.total > 0)
                    .map((d) => (
                      <tr key={d.day}>
                        <th scope="row">{fmtDate(d.day)}</th>
                        <td>{fmtNumber(d.BAMF)}</td>
                        <td>{fmtNumber(d.ZAB)}</td>
                        <td>{fmtNumber(d.total)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </details>
          </section>
          <section aria-labelledby="c-times" className="card wide">
            <h2 id="c-times">{t("processingTimes")}</h2>
            {s.processingTimes.every((p) => p.count === 0) ? <p>{t("noData")}</p> : null}
            {timeConfig ? <ChartCanvas config={timeConfig} label={t("chartSummary", { title: t("processingTimes") })} testId="chart-times" /> : null}
            <details>
              <summary>{t("showTable")}</summary>
              <table className="data num">
                <caption className="sr-only">{t("processingTimes")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("interval")}</th>
                    <th scope="col">{t("count")}</th>
                    <th scope="col">{t("median")}</th>
                    <th scope="col">{t("p90")}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.processingTimes.map((p) => (
                    <tr key={p.key}>
                      <th scope="row">
                        {pick(p.from)} → {pick(p.to)}
                      </th>
                      <td>{fmtNumber(p.count)}</td>
                      <td>{dur(p.medianSeconds)}</td>
                      <td>{dur(p.p90Seconds)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </section>
        </div>
      ) : null}
      <LastUpdate at={stats.updatedAt} />
    </>
  );
}
