// /api/docs: a self-contained HTML page rendering the OpenAPI document (no scripts, no CDN, nothing loaded).
import { PROBLEMS } from "./problem";

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

type Json = Record<string, unknown>;

function schemaBlock(schema: unknown): string {
  return `<pre>${esc(JSON.stringify(schema, null, 2))}</pre>`;
}

function operationHtml(path: string, method: string, op: Json): string {
  const params = (op.parameters ?? []) as Json[];
  const roles = op["x-roles"] as string[] | undefined;
  const agencies = op["x-agency-types"] as string[] | undefined;
  const responses = (op.responses ?? {}) as Record<string, Json>;
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  return `
<section class="op" id="${esc(op.operationId)}">
  <h3><span class="m m-${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
  <p class="sum">${esc(op.summary)}</p>
  ${op.description ? `<p>${esc(op.description)}</p>` : ""}
  <p class="who">${roles ? `Rollen / roles: <b>${esc(roles.join(", "))}</b>${agencies ? ` · nur / only: <b>${esc(agencies.join(", "))}</b>` : ""}` : "öffentlich / public"}</p>
  ${
    params.length
      ? `<table><tr><th>Parameter</th><th>in</th><th>Pflicht / required</th><th>Schema</th></tr>${params
          .map(
            (p) =>
              `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? "ja / yes" : "nein / no"}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td></tr>`,
          )
          .join("")}</table>`
      : ""
  }
  ${body ? `<details open><summary>Anfrage / request body (application/json)</summary>${schemaBlock(body["application/json"]?.schema)}</details>` : ""}
  <details><summary>Antworten / responses</summary><ul>${Object.entries(responses)
    .map(([status, r]) => {
      const content = r.content as Record<string, Json> | undefined;
      const [type, media] = content ? Object.entries(content)[0] : [undefined, undefined];
      return `<li><b>${esc(status)}</b> ${esc(r.description)}${type ? ` <code>${esc(type)}</code>` : ""}${media && status < "400" ? schemaBlock(media.schema) : ""}</li>`;
    })
    .join("")}</ul></details>
</section>`;
}

export function docsPage(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = ((op.tags as string[]) ?? ["-"])[0];
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(path, method, op)]);
    }
  }
  const toc = [...byTag.keys()].map((t, i) => `<li><a href="#tag-${i}">${esc(t)}</a></li>`).join("");
  const sections = [...byTag.entries()].map(([t, ops], i) => `<h2 id="tag-${i}">${esc(t)}</h2>${ops.join("")}`).join("");
  const problems = Object.entries(PROBLEMS)
    .map(([kind, p]) => `<tr id="problem-${esc(kind)}"><td><code>/api/docs#problem-${esc(kind)}</code></td><td>${p.status}</td><td>${esc(p.title)}</td></tr>`)
    .join("");
  return `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:2px solid #004b87;padding-bottom:.2rem;margin-top:2.5rem}
.op{border:1px solid #ccd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.op h3{margin:.2rem 0;font-size:1.05rem}.sum{font-weight:600;margin:.2rem 0}.who{color:#444;font-size:.9rem}
.m{display:inline-block;min-width:4.5rem;text-align:center;border-radius:4px;color:#fff;padding:0 .3rem;font-size:.85rem}
.m-get{background:#2f6f3e}.m-post{background:#004b87}.m-delete{background:#a12a2a}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}td,th{border:1px solid #ccd;padding:.2rem .5rem;text-align:left;vertical-align:top}
pre{background:#f4f5f7;padding:.5rem;overflow:auto;font-size:.8rem;max-height:28rem}
</style>
</head>
<body>
<h1>${esc(info.title)}</h1>
<p>${esc(info.description)}</p>
<p>Maschinenlesbar / machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${esc(doc.openapi)})</p>
<ul>${toc}<li><a href="#problems">Fehlerarten / problem types</a></li></ul>
${sections}
<h2 id="problems">Fehlerarten / Problem types (RFC 9457)</h2>
<table><tr><th>type</th><th>Status</th><th>title</th></tr>${problems}</table>
</body>
</html>`;
}
