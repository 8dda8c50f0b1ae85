// fast-check arbitraries from a served OpenAPI 3.1 document: for every operation, requests that follow its
// schemas and requests broken in one way (a field missing, unknown or of any JSON value, a parameter of any
// text, a body that is not JSON or not what the Content-Type says, step data the canonical JSON cannot
// take). Covers the JSON Schema that zod's toJSONSchema writes; anything else is generated as any JSON value.
import fc from "fast-check";

export type JsonSchema = Record<string, unknown>;

export interface OpenApiOperation {
  method: string;
  /** with {name} placeholders */
  path: string;
  operationId: string;
  isPublic: boolean;
  parameters: { name: string; in: "path" | "query"; required: boolean; schema: JsonSchema }[];
  body?: JsonSchema;
  statuses: Set<number>;
}

export interface FuzzRequest {
  method: string;
  path: string;
  query: [string, string][];
  body?: { text: string; contentType: string };
  /** what was broken, for the failure message; "" for a request that follows the schemas */
  mutation: string;
}

/** Values that real requests carry and random text rarely hits, by field or parameter name. */
export interface Hints {
  [name: string]: readonly unknown[];
}

export function operationsOf(doc: JsonSchema): OpenApiOperation[] {
  const out: OpenApiOperation[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, JsonSchema>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const body = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content?.["application/json"]?.schema;
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId as string,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
        parameters: (op.parameters ?? []) as OpenApiOperation["parameters"],
        ...(body ? { body } : {}),
        statuses: new Set(Object.keys(op.responses as object).map(Number)),
      });
    }
  }
  return out;
}

const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Text with the characters that trip parsers: percent signs, NUL, quotes, non-ASCII, whitespace. */
const nastyText = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("", " ", "%", "%zz", "%00", "0x10", "1e400", "-1", "+1", "1.5", "NaN", "Infinity", "..%2f..", "\u0000", "ä", "'\"", "null", "[]", "{}"),
);

/** A value that follows `schema` (as far as a JSON Schema can say; refinements are not in it). */
export function valueOf(schema: JsonSchema, hints: Hints, name = ""): fc.Arbitrary<unknown> {
  const hinted = hints[name];
  const plain = plainValueOf(schema, hints);
  return hinted ? fc.oneof(fc.constantFrom(...hinted), plain) : plain;
}

function plainValueOf(s: JsonSchema, hints: Hints): fc.Arbitrary<unknown> {
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if ("const" in s) return fc.constant(s.const);
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((a) => valueOf(a, hints)));
  switch (s.type) {
    case "string": {
      if (s.format === "uuid") return fc.uuid();
      if (typeof s.pattern === "string") return fc.stringMatching(new RegExp(s.pattern));
      return fc.string({ minLength: (s.minLength as number) ?? 0, maxLength: Math.min((s.maxLength as number) ?? 30, 60) });
    }
    case "integer":
      return fc.integer({ min: Math.max((s.minimum as number) ?? -1000, -(2 ** 31)), max: Math.min((s.maximum as number) ?? 100_000, 2 ** 31) });
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: (s.minimum as number) ?? -1e6, max: (s.maximum as number) ?? 1e6 });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(valueOf((s.items as JsonSchema) ?? {}, hints), {
        minLength: (s.minItems as number) ?? 0,
        maxLength: Math.min((s.maxItems as number) ?? 3, 3),
      });
    case "object": {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      if (Object.keys(props).length === 0 && s.additionalProperties !== false) return fc.dictionary(fc.string({ maxLength: 10 }), anyJson, { maxKeys: 4 });
      const record = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valueOf(v, hints, k)]));
      return fc.record(record, { requiredKeys: (s.required ?? []) as string[] });
    }
    default:
      return anyJson;
  }
}

type Mutation = "none" | "drop" | "unknown" | "retype" | "param" | "query" | "raw-body" | "media-type" | "step-data";

function breakObject(value: unknown, how: "drop" | "unknown" | "retype"): fc.Arbitrary<{ value: unknown; what: string }> {
  const obj = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const keys = Object.keys(obj);
  if (how === "unknown" || keys.length === 0) {
    return fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), anyJson).map(([k, v]) => ({ value: { ...obj, [`x${k}`]: v }, what: `unknown field x${k}` }));
  }
  return fc.tuple(fc.constantFrom(...keys), anyJson).map(([k, v]) => {
    const copy = { ...obj };
    if (how === "drop") delete copy[k];
    else copy[k] = v;
    return { value: copy, what: `${how} ${k}` };
  });
}

/** Step data as raw JSON text that JSON.stringify cannot write: non-finite numbers, deep nesting. */
const badStepData = fc.oneof(
  fc.constantFrom('{"x":1e400}', '{"x":-1e999}', '{"a":[1,{"b":1e309}]}'),
  fc.integer({ min: 11, max: 5000 }).map((n) => `{"x":${"[".repeat(n)}${"]".repeat(n)}}`),
  fc.integer({ min: 11, max: 2000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
);

const PLACEHOLDER = "\u0001step-data\u0001";

/** `body` with `data` set: on the body itself, or on the first step of a bulk body ({ steps: [...] }). */
function withStepData(body: unknown, data: unknown): unknown {
  const b = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  if (Array.isArray(b.steps)) {
    const [first, ...rest] = b.steps as unknown[];
    return { ...b, steps: [{ ...(typeof first === "object" && first !== null ? first : {}), data }, ...rest] };
  }
  return { ...b, data };
}

/**
 * Requests for `op`: following its schemas, or broken in one way. `examples` are bodies known to be valid
 * (the schema cannot express every rule): taken as they are, and as the base the step data is broken in,
 * so that the broken data is the only thing wrong.
 */
export function requestOf(op: OpenApiOperation, hints: Hints, examples: readonly unknown[] = []): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  const mutations: Mutation[] = ["none", "none", "query"];
  if (pathParams.length) mutations.push("param");
  if (op.body) mutations.push("none", "drop", "unknown", "retype", "raw-body", "media-type");
  // weighted up: the broken data must meet an otherwise valid body and a clerk's credentials to reach the writer
  if (op.body && JSON.stringify(op.body).includes('"data"')) mutations.push("step-data", "step-data", "step-data", "step-data");

  const params = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, valueOf(p.schema, hints, p.name)])));
  const query = fc.record(
    Object.fromEntries(queryParams.map((p) => [p.name, valueOf(p.schema, hints, p.name)])),
    { requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name) },
  );
  const generated = op.body ? valueOf(op.body, hints) : fc.constant(undefined);
  const body = examples.length ? fc.oneof(fc.constantFrom(...examples), generated) : generated;
  const base = examples.length ? fc.constantFrom(...examples) : body;

  return fc.tuple(fc.constantFrom(...mutations), params, query, body).chain(([mutation, pv, qv, bv]) => {
    const build = (over: {
      path?: Record<string, unknown>;
      /** path parameters as they are, so that `%zz` reaches the router */
      unencoded?: boolean;
      query?: [string, string][];
      body?: FuzzRequest["body"] | null;
      what?: string;
    }): FuzzRequest => {
      const pathValues = over.path ?? pv;
      const path = op.path.replace(/\{(\w+)\}/g, (_, n: string) => (over.unencoded ? String(pathValues[n]) : encodeURIComponent(String(pathValues[n]))));
      const q = over.query ?? Object.entries(qv).map(([k, v]) => [k, String(v)] as [string, string]);
      const b = over.body === null ? undefined : (over.body ?? (op.body ? { text: JSON.stringify(bv), contentType: "application/json" } : undefined));
      return { method: op.method, path, query: q, ...(b ? { body: b } : {}), mutation: over.what ?? (mutation === "none" ? "" : mutation) };
    };
    switch (mutation) {
      case "param":
        return fc
          .tuple(fc.constantFrom(...pathParams.map((p) => p.name)), nastyText, fc.boolean())
          .map(([n, v, unencoded]) => build({ path: { ...pv, [n]: v }, unencoded, what: `path ${n}=${JSON.stringify(v)}${unencoded ? " (unencoded)" : ""}` }));
      case "query": {
        const names = [...queryParams.map((p) => p.name), "unknownParam"];
        return fc.tuple(fc.constantFrom(...names), nastyText).map(([n, v]) => {
          const q: [string, string][] = Object.entries(qv)
            .filter(([k]) => k !== n)
            .map(([k, x]) => [k, String(x)]);
          return build({ query: [...q, [n, v]], what: `query ${n}=${JSON.stringify(v)}` });
        });
      }
      case "drop":
      case "unknown":
      case "retype":
        return breakObject(bv, mutation).map(({ value, what }) => build({ body: { text: JSON.stringify(value), contentType: "application/json" }, what }));
      case "raw-body":
        return fc
          .oneof(fc.string({ maxLength: 60 }), fc.constantFrom("{", "[1,", '{"a":1}{', "null", "\u0000", '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}'))
          .map((text) => build({ body: { text, contentType: "application/json" }, what: `raw body ${JSON.stringify(text)}` }));
      case "media-type":
        return fc
          .constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx")
          .map((contentType) => build({ body: { text: JSON.stringify(bv), contentType }, what: `Content-Type ${contentType}` }));
      case "step-data":
        return fc.tuple(badStepData, base).map(([data, valid]) => {
          const text = JSON.stringify(withStepData(valid, PLACEHOLDER)).replace(JSON.stringify(PLACEHOLDER), data);
          return build({ body: { text, contentType: "application/json" }, what: `step data ${data.slice(0, 40)}` });
        });
      default:
        return fc.constant(build({}));
    }
  });
}
