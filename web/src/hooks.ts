// Data loading that stays current without polling: a page loads once and loads again when the live stream
// (live.ts) says that something it shows changed. Reloads never overlap: events that arrive while one runs
// cause exactly one more afterwards.
import { useCallback, useEffect, useRef, useState } from "react";
import type { LiveEventData, LiveEventType } from "../../services/shared/contract";
import { onLive } from "./live";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  updatedAt: Date | undefined;
  reload(): Promise<void>;
}

/** What makes a page read again: notifications, ledger events, acknowledgements (and a reconnect). */
export type LiveTopic = "notification" | "ledger" | "acknowledged" | "step";

/** Every topic: for pages that show a bit of everything (the default when `live` is `true`). */
const ALL_TOPICS: readonly LiveTopic[] = ["notification", "ledger", "acknowledged"];

/**
 * Load with `load` when `deps` change, and again on the live events named in `live` (`true`: any change;
 * a number, as older callers passed a polling interval, counts as `true`: nothing polls any more).
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], live?: boolean | number | readonly LiveTopic[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<Date | undefined>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);
  const running = useRef<Promise<void> | undefined>(undefined);
  const again = useRef(false);

  const loadOnce = useCallback(async () => {
    const gen = generation.current;
    try {
      const d = await loadRef.current();
      if (gen !== generation.current) return;
      setData(d);
      setError(undefined);
      setUpdatedAt(new Date());
    } catch (err) {
      if (gen !== generation.current) return;
      setError(err);
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  }, []);

  const reload = useCallback(async () => {
    if (running.current) {
      again.current = true;
      return running.current;
    }
    const run = (async () => {
      do {
        again.current = false;
        await loadOnce();
      } while (again.current);
    })();
    running.current = run;
    try {
      await run;
    } finally {
      running.current = undefined;
    }
  }, [loadOnce]);

  const topics: readonly LiveTopic[] = live === undefined || live === false ? [] : live === true || typeof live === "number" ? ALL_TOPICS : live;
  const topicKey = topics.join(",");

  useEffect(() => {
    generation.current++;
    setLoading(true);
    setData(undefined);
    setError(undefined);
    void reload();
  }, [...deps, reload]);

  useEffect(() => {
    if (!topicKey) return;
    const wanted = new Set<string>(topicKey.split(","));
    return onLive((type) => {
      if (wanted.has(type) || type === "ready" || type === "resync") void reload();
    });
  }, [topicKey, reload]);

  return { data, error, loading, updatedAt, reload };
}

/** Be told of one kind of live event while the component is shown. */
export function useLiveEvent<T extends LiveEventType>(type: T, fn: (data: LiveEventData[T]) => void): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(
    () =>
      onLive((t, data) => {
        if ((t as LiveEventType) === type) ref.current(data as LiveEventData[T]);
      }),
    [type],
  );
}

/**
 * True from the moment each of `loads` has answered once (data or error). A page shows its parts together
 * from then on, so that no part it already shows is pushed down by a later answer (layout shift).
 */
export function useShownOnce(...loads: Loaded<unknown>[]): boolean {
  const shown = useRef(false);
  if (!shown.current && loads.every((l) => l.data !== undefined || l.error !== undefined)) shown.current = true;
  return shown.current;
}
