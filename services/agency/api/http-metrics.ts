// Request counters and durations of the API in prom-client's default registry (served on /metrics).
// Get-or-create, so that several API instances in one process (tests) share the metrics.
import { Counter, Histogram, register } from "prom-client";

function counter(): Counter<"method" | "route" | "status"> {
  const name = "anker_api_requests_total";
  return (
    (register.getSingleMetric(name) as Counter<"method" | "route" | "status"> | undefined) ??
    new Counter({ name, help: "API requests by method, route pattern and status", labelNames: ["method", "route", "status"] })
  );
}

function histogram(): Histogram<"method" | "route"> {
  const name = "anker_api_request_duration_seconds";
  return (
    (register.getSingleMetric(name) as Histogram<"method" | "route"> | undefined) ??
    new Histogram({
      name,
      help: "API request duration by method and route pattern",
      labelNames: ["method", "route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    })
  );
}

export interface HttpMetrics {
  observe(method: string, route: string, status: number, seconds: number): void;
}

export function httpMetrics(): HttpMetrics {
  const c = counter();
  const h = histogram();
  return {
    observe(method, route, status, seconds) {
      c.inc({ method, route, status: String(status) });
      h.observe({ method, route }, seconds);
    },
  };
}
