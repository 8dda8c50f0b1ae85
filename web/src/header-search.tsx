// The search field in the header (file number, name or reference; auditors: reference) that opens the
// results page, and the open counts next to the navigation entries (read by the shell, App.tsx).
import { useEffect, useState, type FormEvent } from "react";
import { useI18n } from "./i18n";
import { useRouter } from "./router";

export function HeaderSearch({ auditor }: { auditor: boolean }) {
  const { t } = useI18n();
  const { path, search, navigate } = useRouter();
  const current = path === "/search" ? (search.get("q") ?? "") : "";
  const [q, setQ] = useState(current);
  useEffect(() => setQ(current), [current]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = q.trim();
    if (v) navigate(`/search?q=${encodeURIComponent(v)}`);
  };
  return (
    <form role="search" className="header-search" onSubmit={submit} aria-label={t("headerSearchLabel")}>
      <label htmlFor="header-search" className="sr-only">
        {t("headerSearchLabel")}
      </label>
      <input
        id="header-search"
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder={auditor ? t("headerSearchPlaceholderAuditor") : t("headerSearchPlaceholder")}
        autoComplete="off"
        data-testid="header-search"
      />
      <button type="submit" className="btn btn-secondary">
        {t("search")}
      </button>
    </form>
  );
}

/** Open notices (inbox) or due allocations, as a small badge after the navigation entry (the shell reads
 * GET /api/notifications/counts once for both, before it shows). */
export function NavCount({ what, n }: { what: "inbox" | "allocation"; n: number | undefined }) {
  const { tn, fmtNumber } = useI18n();
  if (!n) return null;
  return (
    <span className="nav-count" data-testid={`nav-count-${what}`}>
      <span aria-hidden="true">{fmtNumber(n)}</span>
      <span className="sr-only"> ({tn("navOpenCount", n)})</span>
    </span>
  );
}
