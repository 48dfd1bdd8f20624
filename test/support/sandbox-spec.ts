// Checks that the sandbox follows the bundled specs: the routes it serves against the spec's paths and
// methods, and its answers against the generated response validators. Each problem names the path,
// the operation and the field, so a vendor change the sandbox does not follow reads as what it is.

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An operation of a bundled spec. */
export interface SpecOperation {
  readonly api: string;
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  /** The response keys the spec declares (200, 4XX, 5XX, ...). */
  readonly statuses: readonly string[];
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch"] as const;

/** Every operation of every bundled document (`paths` only: webhooks are sent by providers, not served). */
export function specOperations(documents: Readonly<Record<string, JsonObject>>): SpecOperation[] {
  const out: SpecOperation[] = [];
  for (const [api, document] of Object.entries(documents)) {
    const paths = isObject(document.paths) ? document.paths : {};
    for (const [path, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!isObject(operation)) continue;
        out.push({
          api,
          method: method.toUpperCase(),
          path,
          operationId: String(operation.operationId),
          statuses: Object.keys(isObject(operation.responses) ? operation.responses : {}),
        });
      }
    }
  }
  return out;
}

/** A route the sandbox serves (it serves provider routes with POST only). */
export interface ServedRoute {
  readonly path: string;
  readonly operation: string;
}

/** Differences between the spec's operations and the sandbox's routes; empty when they agree. */
export function sandboxRouteProblems(
  documents: Readonly<Record<string, JsonObject>>,
  routes: readonly ServedRoute[],
): string[] {
  const problems: string[] = [];
  const operations = specOperations(documents);
  for (const operation of operations) {
    const route = routes.find((candidate) => candidate.path === operation.path);
    const name = `${operation.method} ${operation.path} (${operation.api} ${operation.operationId})`;
    if (route === undefined) problems.push(`${name}: in the spec, but the sandbox serves no such path`);
    else if (operation.method !== "POST")
      problems.push(`${name}: the sandbox serves this path with POST only`);
    else if (route.operation !== operation.operationId) {
      problems.push(`${name}: the sandbox calls this operation ${route.operation}`);
    }
  }
  for (const route of routes) {
    if (!operations.some((operation) => operation.path === route.path)) {
      problems.push(`POST ${route.path} (sandbox ${route.operation}): served by the sandbox, but in no spec`);
    }
  }
  return problems;
}

/** The response key of a spec operation that a status falls under: the exact code, else nXX. */
export function responseKey(statuses: readonly string[], status: number): string | undefined {
  const exact = String(status);
  if (statuses.includes(exact)) return exact;
  const range = `${exact[0]}XX`;
  return statuses.find((key) => key.toUpperCase() === range);
}

/** One answer the sandbox gave. */
export interface RecordedAnswer {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly text: string;
}

/** A generated validator: true when the data conforms; `errors` then says why not. */
export interface Validator {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; message?: string; keyword: string }> | null;
}

/**
 * Checks each answer against the generated validator of its operation and status
 * (`validate<OperationId>Response<status>` in generated/<api>.validators.ts); returns the problems.
 */
export function answerProblems(
  documents: Readonly<Record<string, JsonObject>>,
  validators: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  answers: readonly RecordedAnswer[],
): string[] {
  const operations = specOperations(documents);
  const problems: string[] = [];
  for (const answer of answers) {
    const where = `${answer.method} ${answer.path} answered ${answer.status}`;
    const operation = operations.find((op) => op.path === answer.path && op.method === answer.method);
    if (operation === undefined) {
      problems.push(`${where}: no spec has this operation`);
      continue;
    }
    const key = responseKey(operation.statuses, answer.status);
    if (key === undefined) {
      problems.push(
        `${where}: ${operation.api} ${operation.operationId} declares no such status (${operation.statuses.join(", ")})`,
      );
      continue;
    }
    const id = operation.operationId;
    const name = `validate${id.charAt(0).toUpperCase()}${id.slice(1)}Response${key.toLowerCase()}`;
    const validate = validators[operation.api]?.[name] as Validator | undefined;
    if (typeof validate !== "function") {
      problems.push(`${where}: generated/${operation.api}.validators.ts has no ${name}`);
      continue;
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      problems.push(`${where}: not JSON: ${answer.text.slice(0, 80)}`);
      continue;
    }
    if (!validate(body)) {
      const issue = validate.errors?.[0];
      const field = issue === undefined || issue.instancePath === "" ? "(root)" : issue.instancePath;
      problems.push(`${where}: ${field} ${issue?.message ?? issue?.keyword ?? "fails"} (${name})`);
    }
  }
  return problems;
}
