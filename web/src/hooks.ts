// Data loading with polling: pages that must update without a reload poll every 2 s (cheap: the service
// answers from its own database). Polling pauses while the tab is hidden and resumes when it is shown.
import { useCallback, useEffect, useRef, useState } from "react";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  updatedAt: Date | undefined;
  reload(): Promise<void>;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<Date | undefined>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const reload = useCallback(async () => {
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

  useEffect(() => {
    generation.current++;
    setLoading(true);
    setData(undefined);
    setError(undefined);
    void reload();
    if (!pollMs) return;
    let busy = false;
    const id = window.setInterval(async () => {
      if (busy || document.visibilityState === "hidden") return;
      busy = true;
      try {
        await reload();
      } finally {
        busy = false;
      }
    }, pollMs);
    return () => window.clearInterval(id);
  }, [...deps, pollMs, reload]);

  return { data, error, loading, updatedAt, reload };
}
