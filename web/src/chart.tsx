// Chart.js, tree-shaken to what the dashboard draws, loaded and drawn only when a chart comes into view:
// on a phone the charts sit below the period form, and drawing three of them at load blocked the main
// thread for ~460 ms (Lighthouse, 4x slower CPU). Every chart is an image with a text summary and its
// numbers in a table beside it (WCAG 1.1.1): the canvas alone carries no information.
import { useEffect, useRef, useState, type RefObject } from "react";
import { useI18n } from "./i18n";
import type { Chart, ChartConfiguration } from "chart.js";

let chartJs: Promise<typeof Chart> | undefined;

/** The Chart class with the parts the dashboard uses registered; imported once, on first use. */
function loadChartJs(): Promise<typeof Chart> {
  chartJs ??= import("chart.js").then(({ BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip }) => {
    Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);
    Chart.defaults.color = "#1a1a1a";
    Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    Chart.defaults.font.size = 14;
    return Chart;
  });
  return chartJs;
}

/** True from the moment the element is within 100 px of the viewport (and stays true). */
function useSeen(ref: RefObject<Element | null>): boolean {
  const [seen, setSeen] = useState(typeof IntersectionObserver === "undefined");
  useEffect(() => {
    if (seen || !ref.current) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setSeen(true);
    }, { rootMargin: "100px" });
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, [ref, seen]);
  return seen;
}

export const COLORS = { BAMF: "#1f4e8c", ZAB: "#a34700", median: "#1f4e8c", p90: "#6b2a8a", phase: ["#6c757d", "#1f4e8c", "#a34700", "#1b6e2a"] };

/** Further member agencies: dark colours that keep 3:1 against white and differ from the two above. */
const MORE = ["#1b6e2a", "#6b2a8a", "#8a1c1c", "#00626b", "#5c4b00", "#3d3d3d"];

/** An agency's colour in the charts: BAMF and ZAB keep theirs, the others take the next from MORE. */
export function agencyColor(agency: string, index: number): string {
  return agency === "BAMF" ? COLORS.BAMF : agency === "ZAB" ? COLORS.ZAB : MORE[index % MORE.length];
}

export function ChartCanvas({ config, label, testId }: { config: ChartConfiguration; label: string; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { locale } = useI18n();
  const seen = useSeen(ref);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    if (!seen) return;
    let chart: Chart | undefined;
    let cancelled = false;
    void loadChartJs().then((ChartJs) => {
      if (cancelled || !ref.current) return;
      const reduce = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
      const narrow = (ref.current.parentElement?.clientWidth ?? 1000) < 480;
      chart = new ChartJs(ref.current, {
        ...config,
        options: { responsive: true, maintainAspectRatio: false, animation: reduce ? false : { duration: 300 }, locale, ...config.options, scales: readableAxes(config, narrow) },
      });
      setDrawn(true);
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [config, locale, seen]);
  return (
    <div className="chart-box">
      <canvas ref={ref} role="img" aria-label={label} data-testid={testId} data-drawn={drawn || undefined}>
        {label}
      </canvas>
    </div>
  );
}

/** Long category labels wrapped into lines of about `width` characters (Chart.js draws an array as lines). */
function wrapLabel(label: string | string[], width: number): string | string[] {
  if (Array.isArray(label)) return label.flatMap((part) => wrapLabel(part, width));
  if (label.length <= width) return label;
  const lines: string[] = [];
  let line = "";
  for (const word of label.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The category axis kept readable: labels upright and wrapped instead of slanted, and on a phone (`narrow`)
 * only as many as fit (the table beside each chart has every value).
 */
function readableAxes(config: ChartConfiguration, narrow: boolean): NonNullable<ChartConfiguration["options"]>["scales"] {
  const scales = { ...(config.options?.scales ?? {}) } as Record<string, Record<string, unknown>>;
  const x = scales.x ?? {};
  if ((config.type !== "bar" && config.type !== "line") || (config.options as { indexAxis?: string } | undefined)?.indexAxis === "y") return scales;
  if (x.type !== undefined && x.type !== "category") return scales;
  // A few categories (the phases) are all labelled: Chart.js's autoSkip measures a wrapped label by its
  // widest line and dropped the middle one ("II"); many (the days) are thinned out instead.
  const few = (config.data.labels?.length ?? 0) <= 4;
  scales.x = {
    ...x,
    ticks: {
      ...((x.ticks as object | undefined) ?? {}),
      autoSkip: !few,
      maxRotation: 0,
      ...(narrow && !few ? { maxTicksLimit: 4 } : {}),
      callback(this: { getLabelForValue(v: number): string | string[] }, value: string | number) {
        return wrapLabel(this.getLabelForValue(Number(value)), few ? (narrow ? 10 : 16) : narrow ? 12 : 22);
      },
    },
  };
  return scales as NonNullable<ChartConfiguration["options"]>["scales"];
}
