// What every list shares: a case named as clerks know it (file number as the link, then the name; "Beim
// Partner erfasst" with the reference as a small detail where this agency does not hold the person), the
// pager under a server-paged list, and a sortable column heading.
import type { ReactNode } from "react";
import type { CasePerson } from "../../services/shared/contract";
import { Hash } from "./components";
import { useI18n } from "./i18n";
import { Link } from "./router";

/** The case as a link: file number and name, else plain words and the reference. */
export function CaseName({ caseRef, person, linkClass }: { caseRef: string; person: CasePerson | undefined; linkClass?: string }) {
  const { t } = useI18n();
  const href = `/cases/${caseRef}`;
  if (person?.fileNumber)
    return (
      <span className="case-name" data-testid="case-name">
        <Link href={href} className={`file-number ${linkClass ?? ""}`}>
          {person.fileNumber}
        </Link>
        {person.name ? <span className="person-name">{person.name}</span> : null}
      </span>
    );
  const words = person?.erased ? t("caseErased") : person?.held ? t("caseHeld") : t("casePartner");
  return (
    <span className="case-name" data-testid="case-name">
      <Link href={href} className={linkClass}>
        {words}
      </Link>
      <span className="small muted case-ref">
        {t("caseRef")}: <Hash value={caseRef} />
      </span>
    </span>
  );
}

/** Previous / next under a list the server pages, with "21–40 von 164". */
export function Pager({ total, offset, limit, onOffset, label }: { total: number; offset: number; limit: number; onOffset: (offset: number) => void; label: string }) {
  const { t, fmtNumber } = useI18n();
  if (total <= limit && offset === 0) return null;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(total, offset + limit);
  return (
    <nav className="pager" aria-label={`${t("pagination")}: ${label}`} data-testid="pager">
      <button type="button" className="btn btn-secondary" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))} data-testid="pager-prev">
        <span aria-hidden="true">←&nbsp;</span>
        {t("prevPage")}
      </button>
      <span className="pager-range" aria-live="polite">
        {t("pageRange", { from: fmtNumber(from), to: fmtNumber(to), total: fmtNumber(total) })}
      </span>
      <button type="button" className="btn btn-secondary" disabled={to >= total} onClick={() => onOffset(offset + limit)} data-testid="pager-next">
        {t("nextPage")}
        <span aria-hidden="true">&nbsp;→</span>
      </button>
    </nav>
  );
}

/** A column heading that sorts the server's list; aria-sort tells which way. */
export function SortHeader<K extends string>({ column, label, sort, order, onSort, children }: { column: K; label: string; sort: K; order: "asc" | "desc"; onSort: (column: K, order: "asc" | "desc") => void; children?: ReactNode }) {
  const { t } = useI18n();
  const active = sort === column;
  const next = active && order === "asc" ? "desc" : active ? "asc" : column === "lastActivity" ? "desc" : "asc";
  return (
    <th scope="col" aria-sort={active ? (order === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" className="sort-button" onClick={() => onSort(column, next)} data-testid={`sort-${column}`}>
        {label}
        {children}
        <span aria-hidden="true" className="sort-mark">
          {active ? (order === "asc" ? " ▲" : " ▼") : " ↕"}
        </span>
        <span className="sr-only">{active ? ` (${t(order === "asc" ? "sortedAsc" : "sortedDesc")})` : ` (${t("sortBy", { column: label })})`}</span>
      </button>
    </th>
  );
}
