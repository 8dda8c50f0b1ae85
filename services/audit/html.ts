// report.html for people: summary first, then the findings by severity, the checks, compliance lists and
// charts (inline SVG: nothing is downloaded). No personal data: pseudonymous case references, codes,
// hashes and counts only. Pure: a report goes in, a string comes out.
import { TREE_NAMES } from "./checkpoints";
import type { AuditReport } from "./report";
import type { Finding } from "./types";

const MAX_FINDINGS_SHOWN = 500;
const MAX_LIST_ROWS = 200;

export function esc(s: unknown): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const short = (h: string | undefined, n = 10): string => (h && h.length > 2 * n + 2 ? `${h.slice(0, n + 2)}…${h.slice(-6)}` : (h ?? ""));

export function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

function table(headers: string[], rows: string[][], cls = ""): string {
  if (rows.length === 0) return `<p class="none">none</p>`;
  const shown = rows.slice(0, MAX_LIST_ROWS);
  const more = rows.length > shown.length ? `<p class="none">… and ${rows.length - shown.length} more (see report.json)</p>` : "";
  return `<table class="${cls}"><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${shown
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>${more}`;
}

/** A vertical bar chart of labelled counts. */
export function barChart(data: { label: string; value: number }[], title: string): string {
  const w = 760;
  const h = 260;
  const left = 48;
  const bottom = 110;
  const max = Math.max(1, ...data.map((d) => d.value));
  const bw = (w - left - 10) / Math.max(1, data.length);
  const plotH = h - bottom - 10;
  const bars = data
    .map((d, i) => {
      const bh = (d.value / max) * plotH;
      const x = left + i * bw + 2;
      const y = 10 + plotH - bh;
      return (
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${bh.toFixed(1)}" fill="#2f6db5"><title>${esc(d.label)}: ${d.value}</title></rect>` +
        (d.value > 0 ? `<text x="${(x + (bw - 4) / 2).toFixed(1)}" y="${(y - 2).toFixed(1)}" font-size="9" text-anchor="middle">${d.value}</text>` : "") +
        `<text transform="translate(${(x + (bw - 4) / 2).toFixed(1)},${(h - bottom + 6).toFixed(1)}) rotate(60)" font-size="9">${esc(d.label)}</text>`
      );
    })
    .join("");
  const axis = `<line x1="${left}" y1="${10 + plotH}" x2="${w - 5}" y2="${10 + plotH}" stroke="#555"/><text x="${left - 4}" y="14" font-size="9" text-anchor="end">${max}</text><text x="${left - 4}" y="${10 + plotH}" font-size="9" text-anchor="end">0</text>`;
  return `<figure><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="100%" style="max-width:${w}px">${axis}${bars}</svg><figcaption>${esc(title)}</figcaption></figure>`;
}

/** Horizontal bars: median with a whisker to the 90th percentile. */
export function timeChart(data: { label: string; median: number; p90: number; count: number }[], title: string): string {
  const rows = data.filter((d) => d.count > 0);
  if (rows.length === 0) return `<p class="none">no completed intervals yet</p>`;
  const w = 760;
  const left = 230;
  const rowH = 26;
  const h = rows.length * rowH + 30;
  const max = Math.max(1, ...rows.map((d) => d.p90));
  const scale = (v: number) => (v / max) * (w - left - 90);
  const bars = rows
    .map((d, i) => {
      const y = 10 + i * rowH;
      return (
        `<text x="${left - 6}" y="${y + 14}" font-size="11" text-anchor="end">${esc(d.label)}</text>` +
        `<rect x="${left}" y="${y + 4}" width="${Math.max(1, scale(d.median)).toFixed(1)}" height="14" fill="#2f6db5"><title>median ${duration(d.median)}, 90th percentile ${duration(d.p90)}, n=${d.count}</title></rect>` +
        `<line x1="${left + scale(d.median)}" y1="${y + 11}" x2="${left + scale(d.p90)}" y2="${y + 11}" stroke="#2f6db5" stroke-dasharray="3,2"/>` +
        `<line x1="${left + scale(d.p90)}" y1="${y + 5}" x2="${left + scale(d.p90)}" y2="${y + 17}" stroke="#2f6db5"/>` +
        `<text x="${left + scale(d.p90) + 6}" y="${y + 15}" font-size="10">${duration(d.median)} (p90 ${duration(d.p90)}, n=${d.count})</text>`
      );
    })
    .join("");
  return `<figure><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="100%" style="max-width:${w}px">${bars}</svg><figcaption>${esc(title)}</figcaption></figure>`;
}

function findingRow(f: Finding): string[] {
  return [
    `<span class="sev ${f.severity}">${esc(f.severity)}</span>`,
    esc(f.check),
    `<code>${esc(f.kind)}</code>`,
    esc(f.message),
    f.eventId ? `<code>${esc(f.eventId)}</code>` : "",
    f.caseRef ? `<code title="${esc(f.caseRef)}">${esc(short(f.caseRef, 6))}</code>` : "",
    f.blockNumber !== undefined ? String(f.blockNumber) : "",
  ];
}

/** The finality line under the verdict; on QBFT with where the validator set was taken from. */
function consensusHtml(c: AuditReport["consensus"]): string {
  if (!c) return "";
  const f = c.finality;
  const pinned = f.verifiedHead
    ? `<p>Compared with this auditor's record of the head it verified before (--verified-head): block ${f.verifiedHead.block}, hash <code>${esc(short(f.verifiedHead.hash))}</code>, verified at ${esc(f.verifiedHead.auditedAt)}.</p>`
    : "";
  const line = `<p class="finality ${f.status}">${esc(f.line)}</p>${pinned}`;
  if (c.kind !== "qbft" || !f.anchor) return line;
  return `${line}<p>QBFT (${esc(c.detectedFrom === "option" ? "as --consensus says" : c.detectedFrom === "deployment record" ? "as the deployment record says" : "detected from block 0")}): block hashes as Besu computes them; validator set from ${esc(f.anchor.reason)} (hash <code>${esc(short(f.anchor.hash))}</code>, ${f.anchor.validators.length} validators); epoch length ${f.epochLength}; seals recovered with ${f.sealRecovery === "native" ? "libsecp256k1" : "ethers (JavaScript)"} in ${(f.seconds ?? 0).toFixed(2)} s.</p>`;
}

export function renderHtml(r: AuditReport): string {
  const s = r.summary;
  const clean = r.verdict === "clean";
  const headline = clean
    ? `No findings: the audited history from block ${r.scope.fromBlock} to ${r.scope.toBlock} is intact and the process rules were kept.`
    : `${s.findings} finding${s.findings === 1 ? "" : "s"}: ${s.critical} critical, ${s.error} error${s.error === 1 ? "" : "s"}, ${s.warning} warning${s.warning === 1 ? "" : "s"}.`;
  const c = r.compliance;
  const findingsShown = r.findings.slice(0, MAX_FINDINGS_SHOWN);
  const parts: string[] = [];
  parts.push(`<header class="${clean ? "ok" : "bad"}"><h1>Audit report: AnKER status ledger</h1><p class="verdict">${esc(headline)}</p>
<p>Chain ${r.scope.chainId}, ledger <code>${esc(r.scope.ledger)}</code>, blocks ${r.scope.fromBlock}–${r.scope.toBlock} (head <code>${esc(short(r.scope.headHash))}</code>, ${esc(r.scope.headTime ?? "")}).
${r.scope.steps} steps in ${r.scope.cases} cases, ${r.scope.events} ledger events, ${r.scope.headersChecked} block headers. Generated ${esc(r.generatedAt)} in ${r.timing.seconds.toFixed(1)} s.</p>${consensusHtml(r.consensus)}</header>`);

  parts.push(`<section><h2>Checks</h2>${table(
    ["check", "status", "what was checked"],
    r.checks.map((k) => [esc(k.title), `<span class="st ${k.status}">${esc(k.status)}</span>`, esc(k.summary)]),
    "checks",
  )}</section>`);

  parts.push(`<section><h2>Findings</h2>${
    r.findings.length === 0
      ? `<p class="none">none</p>`
      : table(["severity", "check", "kind", "finding", "event id", "case", "block"], findingsShown.map(findingRow), "findings") +
        (r.findings.length > findingsShown.length ? `<p class="none">${r.findings.length - findingsShown.length} more findings in report.json.</p>` : "") +
        (s.suppressed > 0 ? `<p class="none">${s.suppressed} further findings of the same kinds were counted but not listed: ${esc(Object.entries(r.suppressedFindings).map(([k, n]) => `${k} ${n}`).join(", "))}.</p>` : "")
  }</section>`);

  parts.push(`<section><h2>Compliance</h2>
<h3>Repatriations carried out against an open stop</h3>${table(["case", "event id", "block", "time", "stop reasons"], c.ignoredStops.map((x) => [`<code>${esc(short(x.caseRef, 6))}</code>`, esc(x.eventId), String(x.block), esc(x.time), esc(x.reasons.join(", "))]))}
<h3>Open repatriation stops</h3>${table(["case", "reasons", "open since block", "since"], c.openStops.map((x) => [`<code>${esc(short(x.caseRef, 6))}</code>`, esc(x.reasons.join(", ")), String(x.sinceBlock ?? ""), esc(x.since ?? "")]))}
<h3>Overdue allocations</h3><p>${c.openAllocations} allocation${c.openAllocations === 1 ? "" : "s"} due; listed: due longer than the limit.</p>${table(["case", "due since", "days", "event id"], c.overdueAllocations.map((x) => [`<code>${esc(short(x.caseRef, 6))}</code>`, esc(x.dueSince), String(x.days), esc(x.eventId ?? "")]))}
<h3>Allocations without arrival</h3><p>Rule observation, not a finding: ${c.arrivals.awaiting} person${c.arrivals.awaiting === 1 ? "" : "s"} allocated to a district without arrival or non-arrival recorded; listed: allocated more than ${c.arrivals.overdueDays} days ago (code lists' arrivalOverdueDays).</p>${table(
    ["district", "district authority (member)", "allocated", "received", "arrived", "did not arrive", "awaiting", "overdue"],
    c.arrivals.byDistrict.map((d) => [String(d.district), esc(d.authority ?? "none"), String(d.allocated), String(d.received), String(d.arrived), String(d.notArrived), String(d.awaiting), String(d.overdue)]),
  )}${table(["case", "district", "allocated (block)", "allocated at", "days", "allocation event id"], c.arrivals.overdue.map((x) => [`<code>${esc(short(x.caseRef, 6))}</code>`, String(x.district), String(x.allocatedAtBlock), esc(x.allocatedAt), String(x.days), esc(x.eventId)]))}
<h3>Hearing dates passed without a hearing</h3>${table(["case", "hearing date"], c.hearingsPassed.map((x) => [`<code>${esc(short(x.caseRef, 6))}</code>`, String(x.hearingDate)]))}
<h3>Erasures</h3>${table(["case", "agency", "event id", "reason", "block", "time"], c.erasures.map((x) => [`<code>${esc(short(x.caseRef, 6))}</code>`, esc(x.agency), esc(x.eventId), esc(x.reason), String(x.block), esc(x.time)]))}
<h3>Corrections</h3>${table(["case", "agency", "event id", "corrects", "block", "time"], c.corrections.map((x) => [`<code>${esc(short(x.caseRef, 6))}</code>`, esc(x.agency), esc(x.eventId), esc(x.originalEventId), String(x.block), esc(x.time)]))}
<h3>Out-of-order alerts by step</h3>${table(["step", "alerts"], Object.entries(c.outOfOrderByStep).map(([k, n]) => [esc(k), String(n)]))}
</section>`);

  parts.push(`<section><h2>Figures</h2>
${barChart(r.stats.stepCounts.map((x) => ({ label: x.step, value: x.count })), "Recorded steps by step code")}
${timeChart(r.stats.processingTimes.map((x) => ({ label: x.label, median: x.medianSeconds, p90: x.p90Seconds, count: x.count })), "Processing times (block time): median, dashed to the 90th percentile")}
<p>Steps by agency: ${esc(Object.entries(r.stats.stepsByAgency).map(([k, n]) => `${k} ${n}`).join(", ") || "none")}. Rule events: ${esc(Object.entries(r.stats.ruleEvents).map(([k, n]) => `${k} ${n}`).join(", "))}.</p>
</section>`);

  const cm = r.commitments ? Object.entries(r.commitments) : [];
  parts.push(`<section><h2>Records and checkpoints</h2>
<h3>Commitments against the agencies' audit exports</h3>${table(
    ["agency", "on chain", "matched", "erased", "missing", "mismatched", "not on chain", "pending"],
    cm.map(([a, k]) => [esc(a), String(k.onChain), String(k.matched), String(k.erased), String(k.missing), String(k.mismatched), String(k.notOnChain), String(k.pending)]),
  )}
${r.internal ? `<h3>Internal: ${esc(r.internal.agency)} database</h3>${table(["rows", "intact", "changed", "deleted", "erased", "pending", "without data (restore)"], [[r.internal.counts.rows, r.internal.counts.intact, r.internal.counts.changed, r.internal.counts.deleted, r.internal.counts.erased, r.internal.counts.pending, r.internal.counts.withoutData].map(String)])}` : ""}
<h3>Checkpoints</h3>${table(
    ["block", "block hash", "cases", "commitments root", "served by", "signer", "valid"],
    r.checkpoints.map((k) => [
      String(k.blockNumber),
      `<code>${esc(short(k.blockHash))}</code>`,
      String(k.caseCount),
      k.commitmentsRoot ? `<code>${esc(short(k.commitmentsRoot))}</code> ${esc(TREE_NAMES[k.commitmentsTree] ?? k.commitmentsTree)}, ${k.rootVerified ? "recomputed" : "not recomputed"}` : "not signed",
      esc(k.agency ?? k.source),
      `<code>${esc(short(k.signer, 6))}</code> ${esc(k.signerAgency ?? "")}`,
      k.valid ? "yes" : `<span class="sev critical">no</span>`,
    ]),
  )}</section>`);

  parts.push(`<section><h2>Member agencies: who was a member when</h2>${table(
    ["agency", "label", "name", "type", "scope", "joined (block)", "accounts (from–to block)", "steps"],
    r.agencies.map((a) => [
      String(a.agency),
      esc(a.label),
      esc(a.name),
      esc(a.typeKey),
      String(a.scope),
      String(a.joinedBlock),
      a.accounts.map((x) => `<code>${esc(x.account)}</code> ${x.fromBlock}–${x.toBlock ?? ""}`).join("<br>") + (a.memberAtHead ? "" : `<br><em>no member at the audited head</em>`),
      String(a.steps),
    ]),
  )}
<h3>Step rights per agency type on chain</h3>${table(
    ["type", "key", "allocation-scoped", "may record"],
    r.typeRights.map((t) => [String(t.agencyType), esc(t.typeKey), t.allocationScoped ? "yes" : "no", esc(t.steps.join(", "))]),
  )}
<h3>Code-list versions in force</h3>${table(
    ["from block", "version", "hash", "known to this build", "rights equal the version's", "steps recorded under it"],
    r.codeList.history.map((h) => [String(h.block), esc(h.version || "(before any CodeListChanged)"), `<code>${esc(short(h.hash))}</code>`, h.known ? "yes" : "no", h.rightsMatch === undefined ? "–" : h.rightsMatch ? "yes" : `<span class="sev error">no</span>`, String(h.steps)]),
  )}</section>`);

  parts.push(`<section><h2>Audited build and code lists</h2><table class="kv"><tbody>
<tr><th>ledger code on chain (keccak-256)</th><td><code>${esc(r.contracts.ProcedureLedger.onChainCodeHash)}</code></td></tr>
<tr><th>compiled artifact (keccak-256)</th><td><code>${esc(r.contracts.ProcedureLedger.artifactCodeHash)}</code> (${esc(r.contracts.ProcedureLedger.artifact)})</td></tr>
<tr><th>deployment record</th><td><code>${esc(r.contracts.ProcedureLedger.deploymentCodeHash)}</code></td></tr>
<tr><th>code lists on chain</th><td>${esc(r.codeList.onChain.version)} <code>${esc(r.codeList.onChain.hash)}</code>${r.codeList.knownVersion ? ` (version ${esc(r.codeList.knownVersion)}, an earlier one this build knows)` : ""}</td></tr>
<tr><th>code lists of this build</th><td>${esc(r.codeList.local.version)} <code>${esc(r.codeList.local.hash)}</code></td></tr>
<tr><th>member keys</th><td>${r.members.map((m) => `${esc(m.agency)} <code>${esc(m.account)}</code>${m.active ? "" : " (removed)"}`).join("<br>")}</td></tr>
</tbody></table></section>`);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Audit report – AnKER status ledger</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#1b1b1b}
header{border-left:6px solid;padding:.3rem 1rem;margin-bottom:1rem}header.ok{border-color:#2e7d32;background:#f1f8f1}header.bad{border-color:#c62828;background:#fdf2f2}
h1{font-size:1.4rem;margin:.3rem 0}.verdict{font-size:1.1rem;font-weight:600}h2{border-bottom:1px solid #ccc;margin-top:1.6rem}h3{font-size:1rem;margin-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0}th,td{border:1px solid #ddd;padding:.25rem .45rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f4f4f4}
code{font-size:12px}.none{color:#666;font-style:italic}.sev,.st{padding:0 .35rem;border-radius:3px;font-weight:600}
.critical{background:#c62828;color:#fff}.error{background:#ef6c00;color:#fff}.warning{background:#f9a825;color:#000}
.pass{background:#2e7d32;color:#fff}.fail{background:#c62828;color:#fff}.skipped{background:#9e9e9e;color:#fff}
figure{margin:1rem 0}figcaption{color:#555;font-size:12px}table.kv th{width:16rem}
</style></head><body>
${parts.join("\n")}
<footer><p class="none">report format ${esc(r.format)}; machine-readable: report.json. Contains no personal data: case references are pseudonyms (HMAC of the file number), all other values are codes, hashes and counts.</p></footer>
</body></html>
`;
}
