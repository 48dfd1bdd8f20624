// The comparator's own .d.ts files import "#documents/pact" and "#results/index" (package-internal
// subpath aliases) that do not resolve under NodeNext, so its types degrade to `any`. These are the
// parts contracts/verify-spec.ts uses, copied from dist/src/{compare,results}/index.d.ts of 1.7.0.
declare module "@pactflow/openapi-pact-comparator" {
  /** One finding; `type: "error"` means the pact and the spec disagree. */
  export interface Result {
    code: string;
    message: string;
    mockDetails?: {
      interactionDescription?: string | null;
      interactionState?: string | null;
      location: string;
      value: unknown;
    };
    specDetails?: {
      location: string;
      pathMethod?: string | null;
      pathName?: string | null;
      value: unknown;
    };
    type: "error" | "warning";
  }

  /** Compiles an OpenAPI document once and compares any number of pacts with it. */
  export class Comparator {
    constructor(oas: object);
    compare(pact: object): AsyncGenerator<Result>;
  }
}
