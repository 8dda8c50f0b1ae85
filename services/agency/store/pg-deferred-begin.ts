// A transaction's BEGIN sent together with its first statement when that one has no parameters: one round
// trip fewer for every transaction of the store. Prisma's PostgreSQL adapter sends BEGIN on its own as soon
// as it opens a transaction, and the writer's transactions follow it with the writer lock (store/db.ts,
// WRITER_LOCK_SQL), the read-only ones with SET TRANSACTION ISOLATION LEVEL: both without parameters, so
// "BEGIN; <statement>" goes as one simple query (PostgreSQL keeps the transaction open past it). A first
// statement with parameters still gets BEGIN on its own just before it. Why: under load each round trip
// waits for a core that the services, the chain node and the database share, and the writer's
// transactions run one at a time (BENCHMARKS.md, 2026-12-05: 24-74 ms held per transaction, each a few
// milliseconds of statements).
import type { Pool, PoolClient, QueryConfig, QueryResult } from "pg";

const deferring = new WeakSet<PoolClient>();

/** Every connection `pool` hands out from now on defers a bare BEGIN to its next statement. */
export function deferBeginOnConnect(pool: Pool): void {
  const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
  pool.connect = ((...args: unknown[]) => {
    if (args.length) return (connect as (...a: unknown[]) => unknown)(...args); // the callback form: left as it is
    return connect().then((conn) => {
      deferBegin(conn);
      return conn;
    });
  }) as Pool["connect"];
}

function deferBegin(conn: PoolClient): void {
  if (deferring.has(conn)) return;
  deferring.add(conn);
  const query = conn.query.bind(conn) as (config: QueryConfig | string, values?: unknown[]) => Promise<QueryResult | QueryResult[]>;
  const release = conn.release.bind(conn);
  let pending = false;
  conn.release = ((err?: Error | boolean) => {
    pending = false; // a transaction that sent nothing after BEGIN: the server never saw it
    return release(err);
  }) as PoolClient["release"];
  conn.query = ((config: QueryConfig | string, values?: unknown[], callback?: unknown) => {
    if (callback !== undefined || typeof values === "function") return (query as (...a: unknown[]) => unknown)(config, values, callback);
    const text = typeof config === "string" ? config : config.text;
    const params = values ?? (typeof config === "string" ? undefined : config.values);
    const bare = !params || params.length === 0;
    if (text === "BEGIN" && bare && !pending) {
      pending = true;
      return Promise.resolve({ command: "BEGIN", rowCount: null, oid: 0, rows: [], fields: [] } as unknown as QueryResult);
    }
    if (!pending) return query(config, values);
    pending = false;
    if (!bare) return query("BEGIN").then(() => query(config, values));
    const combined = typeof config === "string" ? `BEGIN; ${config}` : { ...config, text: `BEGIN; ${text}` };
    // a simple query of two statements answers with one result each: the caller asked for the second
    return query(combined).then((results) => (Array.isArray(results) ? results[results.length - 1] : results));
  }) as PoolClient["query"];
}
