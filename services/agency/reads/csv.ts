// CSV as German spreadsheet programs open it by double-click: UTF-8 with a byte order mark (else Excel reads
// umlauts as Latin-1), semicolons between fields (the list separator of a German Excel), CRLF line ends,
// fields quoted when they hold a separator, a quote or a line break (RFC 4180), and text cells that begin
// like a formula (= + - @) prefixed with an apostrophe, so a name can never run as a formula.
export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";
const BOM = "\ufeff";
const SEP = ";";

export type Cell = string | number | null | undefined;

function cell(v: Cell): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v).replace(".", ",") : "";
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole file: header row, then the rows. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return BOM + [header, ...rows].map((r) => r.map(cell).join(SEP)).join("\r\n") + "\r\n";
}
