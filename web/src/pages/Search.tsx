// Search results for the header's search field (/search?q=…): part of a file number, a name or a case
// reference for clerks; references only for auditors (the service decides, the page only says so).
import { request } from "../api";
import { ErrorMessage, LastUpdate, Loading, Message, PageTitle } from "../components";
import { useLoad } from "../hooks";
import { useI18n } from "../i18n";
import { Pager } from "../lists";
import { useRouter } from "../router";
import { can, useSession } from "../session";
import { CaseTable } from "./Cases";

const PAGE = 25;

export function SearchPage() {
  const { t, tn, fmtDateTime } = useI18n();
  const { me, meta } = useSession();
  const { search, navigate } = useRouter();
  const personal = can(me, meta, "personalData");
  const q = (search.get("q") ?? "").trim();
  const offset = Math.max(0, Number(search.get("offset") ?? 0) || 0);
  const valid = q.length >= 2;
  const result = useLoad(() => (valid ? request("listCases", { query: { q, limit: PAGE, offset } }) : Promise.resolve(undefined)), [q, offset]);
  const rows = result.data?.cases ?? [];
  return (
    <>
      <PageTitle>{t("searchResultsTitle")}</PageTitle>
      <p className="muted small">{personal ? t("searchHintClerk") : t("searchHintAuditor")}</p>
      {!valid ? <Message kind="info">{t("searchTooShort")}</Message> : null}
      <ErrorMessage error={result.error} />
      {valid && result.loading && !result.data ? <Loading /> : null}
      {result.data ? (
        <section aria-labelledby="results-title">
          <h2 id="results-title">{t("searchFor", { q })}</h2>
          <p role="status" className="small" data-testid="search-count">
            {rows.length ? tn("casesTotal", result.data.total) : t("noResults")}
          </p>
          {rows.length ? <CaseTable rows={rows} personal={personal} fmtDateTime={fmtDateTime} /> : null}
          <Pager total={result.data.total} offset={offset} limit={PAGE} onOffset={(o) => navigate(`/search?q=${encodeURIComponent(q)}${o ? `&offset=${o}` : ""}`)} label={t("searchResultsTitle")} />
          <LastUpdate at={result.updatedAt} />
        </section>
      ) : null}
    </>
  );
}
