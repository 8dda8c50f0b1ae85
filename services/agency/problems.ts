// A refusal in the API's terms, thrown by a use case (steps/, reads/) or a hook and answered by the API's
// error handler as problem details (api/problem.ts). No HTTP here: the use cases stay free of fastify.
import { PROBLEMS, type FieldError, type ProblemKind } from "../shared/contract/problem";

export class ProblemError extends Error {
  readonly status: number;
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(`${kind}: ${detail}`);
    this.status = PROBLEMS[kind].status;
  }
}

export function invalidInput(errors: FieldError[]): ProblemError {
  const fields = [...new Set(errors.map((e) => e.field))].join(", ");
  const n = errors.length;
  return new ProblemError(
    "invalid-input",
    n === 1
      ? `Ein Feld ist ungültig: ${fields} / One field is invalid: ${fields}`
      : `${n} Angaben sind ungültig: ${fields} / ${n} entries are invalid: ${fields}`,
    errors,
  );
}

export function notFound(what: string): ProblemError {
  return new ProblemError("not-found", what);
}
