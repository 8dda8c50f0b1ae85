// Dashboard: cases per phase, steps per day, processing times between key steps (median and 90th
// percentile) for a chosen period — counts only, never a single case.
import { useMemo, useState, type FormEvent } from "react";
import type { ChartConfiguration } from "chart.js";
import { request } from "../api";
import { urlOf } from "../endpoints";
import { DateInput } from "../date-input";
import { isIsoDate } from "../dates";
import { ErrorMessage, Field, LastUpdate, Loading, Message, PageTitle } from "../components";
import { agencyColor, ChartCanvas, COLORS } from "../chart";
import { useLoad } from "../hooks";
import { useI18n, type MsgKey } from "../i18n";

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => isoDay(new Date(Date.now() - n * 86400_000));

export function DashboardPage() {
  const { t, pick, fmtNumber, fmtDate, lang, agency } = useI18n();
  const [period, setPeriod] = useState({ from: daysAgo(29), to: isoDay(new Date()) });
  const [draft, setDraft] = useState(period);
  const [formError, setFormError] = useState<{ from?: string; to?: string } | undefined>();
  const stats = useLoad(() => request("getStats", { query: { from: period.from, to: period.to } }), [period.from, period.to], 10000);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const bad = (v: string, field: string) => (!v ? t("fieldRequired", { field }) : !isIsoDate(v) ? t("dateInvalid", { field }) : undefined);
    const errs = { from: bad(draft.from, t("from")), to: bad(draft.to, t("to")) };
    if (!errs.from && !errs.to && draft.from > draft.to) errs.to = t("invalidPeriod");
    if (errs.from || errs.to) {
      setFormError(errs);
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
        // one stacked bar part per member agency, in the service's order
        datasets: s.agencies.map((a, i) => ({ label: agency(a, true), data: s.stepsPerDay.map((d) => d.perAgency[a] ?? 0), backgroundColor: agencyColor(a, i) })),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    };
  }, [s, agency, fmtDate]);
  const timeConfig = useMemo<ChartConfiguration | null>(() => {
    if (!s) return null;
    const rows = s.processingTimes.filter((p) => p.count > 0);
    // no intervals in the period: the text says so, an empty chart would only take space
    if (rows.length === 0) return null;
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
        <Field label={t("from")} hint={t("dateHint")} error={formError?.from}>
          {(p) => <DateInput {...p} name="from" value={draft.from} onChange={(v) => setDraft({ ...draft, from: v })} />}
        </Field>
        <Field label={t("to")} hint={t("dateHint")} error={formError?.to}>
          {(p) => <DateInput {...p} name="to" value={draft.to} onChange={(v) => setDraft({ ...draft, to: v })} />}
        </Field>
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
      {formError ? <Message kind="error">{[formError.from, formError.to].filter(Boolean).join(" ")}</Message> : null}
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
                    {s.agencies.map((a) => (
                      <th scope="col" key={a}>
                        {agency(a, true)}
                      </th>
                    ))}
                    <th scope="col">{t("count")}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.stepsPerDay
                    .filter((d) => d.total > 0)
                    .map((d) => (
                      <tr key={d.day}>
                        <th scope="row">{fmtDate(d.day)}</th>
                        {s.agencies.map((a) => (
                          <td key={a}>{fmtNumber(d.perAgency[a] ?? 0)}</td>
                        ))}
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
