import { describe, expect, it } from "vitest";
import { applyOverlay, OverlayError, parseTarget } from "./overlay.js";

function overlayOf(actions: unknown[]) {
  return { overlay: "1.0.0", actions };
}

describe("parseTarget", () => {
  it("splits member names, quoted keys and indexes into segments", () => {
    expect(parseTarget("$.paths['/v1/pay/order/close'].post.parameters[2]")).toEqual([
      "paths",
      "/v1/pay/order/close",
      "post",
      "parameters",
      2,
    ]);
  });

  it("unescapes quotes inside a quoted key", () => {
    expect(parseTarget("$['it\\'s']")).toEqual(["it's"]);
  });

  it("rejects a target that does not start at the root", () => {
    expect(() => parseTarget("paths")).toThrow('target "paths": must start with $');
  });

  it("rejects wildcards and filters, which could match more than one node", () => {
    expect(() => parseTarget("$.paths.*")).toThrow('target "$.paths.*": unsupported syntax at ".*"');
  });
});

describe("applyOverlay", () => {
  it("merges objects key by key and replaces everything else", () => {
    const document = { info: { title: "T", version: "1", tags: ["a"] } };
    applyOverlay(
      document,
      overlayOf([
        { target: "$.info", description: "why", update: { version: "2", tags: ["b"], x: { y: 1 } } },
      ]),
    );
    expect(document).toEqual({ info: { title: "T", version: "2", tags: ["b"], x: { y: 1 } } });
  });

  it("appends the update to an array target", () => {
    const document = { tags: [{ name: "a" }] };
    applyOverlay(document, overlayOf([{ target: "$.tags", description: "why", update: { name: "b" } }]));
    expect(document.tags).toEqual([{ name: "a" }, { name: "b" }]);
  });

  it("removes an object member and an array element", () => {
    const document: Record<string, unknown> = { a: { b: 1, c: 2 }, list: [1, 2, 3] };
    applyOverlay(
      document,
      overlayOf([
        { target: "$.a.b", description: "why", remove: true },
        { target: "$.list[1]", description: "why", remove: true },
      ]),
    );
    expect(document).toEqual({ a: { c: 2 }, list: [1, 3] });
  });

  it("does not share update objects with the document, so later edits cannot leak back", () => {
    const update = { nested: { value: 1 } };
    const document: Record<string, unknown> = { a: {} };
    applyOverlay(document, overlayOf([{ target: "$.a", description: "why", update }]));
    update.nested.value = 2;
    expect(document).toEqual({ a: { nested: { value: 1 } } });
  });

  it("fails, naming the action, when a target does not exist", () => {
    expect(() =>
      applyOverlay(
        { paths: {} },
        overlayOf([{ target: "$.paths['/x'].post", description: "why", update: {} }]),
      ),
    ).toThrow(new OverlayError("actions[0] ($.paths['/x'].post): target does not exist"));
  });

  it("requires every action to give its reason", () => {
    expect(() => applyOverlay({ info: {} }, overlayOf([{ target: "$.info", update: {} }]))).toThrow(
      "actions[0] ($.info): description (the reason for the addition) is required",
    );
  });

  it("rejects an overlay of another version or without actions", () => {
    expect(() => applyOverlay({}, { overlay: "2.0.0", actions: [] })).toThrow(
      'overlay: version must be "1.0.0"',
    );
    expect(() => applyOverlay({}, { overlay: "1.0.0" })).toThrow("overlay: actions must be an array");
  });

  it("rejects an update that is not an object merged into an object", () => {
    expect(() =>
      applyOverlay(
        { info: { title: "T" } },
        overlayOf([{ target: "$.info.title", description: "why", update: { a: 1 } }]),
      ),
    ).toThrow(
      "actions[0] ($.info.title): update must be an object merged into an object, or a value appended to an array",
    );
  });

  it("reports every stale target of an overlay in one error, not one per run", () => {
    const document = { paths: { "/new": { post: {} } } };
    expect(() =>
      applyOverlay(
        document,
        overlayOf([
          { target: "$.paths['/old'].post", description: "why", update: { operationId: "a" } },
          { target: "$.paths['/new'].post", description: "why", update: { operationId: "b" } },
          { target: "$.paths['/old'].post.parameters", description: "why", remove: true },
          { target: "$.components.schemas.Old", description: "why", update: { type: "object" } },
        ]),
      ),
    ).toThrow(
      new OverlayError(
        [
          "3 problems:",
          "  - actions[0] ($.paths['/old'].post): target does not exist",
          "  - actions[2] ($.paths['/old'].post.parameters): target does not exist",
          "  - actions[3] ($.components.schemas.Old): target does not exist",
        ].join("\n"),
      ),
    );
  });

  it("refuses to re-create a property the vendor removed, naming it, when an update only refines it", () => {
    const document = {
      components: { schemas: { R: { properties: { cryptoAmount: { type: "string" } } } } },
    };
    const overlay = overlayOf([
      {
        target: "$.components.schemas.R.properties",
        description: "why",
        update: { amount: { pattern: "^[0-9]+$" }, cryptoAmount: { pattern: "^[0-9]+$" } },
      },
    ]);
    expect(() => applyOverlay(document, overlay)).toThrow(
      'actions[0] ($.components.schemas.R.properties): property "amount" is not in the document ' +
        "($.components.schemas.R.properties), so this action would re-create it: the vendor removed or renamed it.",
    );
  });

  it("refuses the same refinement when it reaches the properties from higher up", () => {
    const document = { components: { schemas: { R: { type: "object", properties: {} } } } };
    const overlay = overlayOf([
      {
        target: "$.components.schemas.R",
        description: "why",
        update: { properties: { amount: { enum: ["A"] } } },
      },
    ]);
    expect(() => applyOverlay(document, overlay)).toThrow('property "amount" is not in the document');
  });

  it("adds a property that states its type, as payclients' own additions do", () => {
    const document = { components: { schemas: { R: { properties: { a: { type: "string" } } } } } };
    applyOverlay(
      document,
      overlayOf([
        {
          target: "$.components.schemas.R.properties",
          description: "why",
          update: { message: { type: "string" }, a: { pattern: "^x$" } },
        },
      ]),
    );
    expect(document.components.schemas.R.properties).toEqual({
      a: { type: "string", pattern: "^x$" },
      message: { type: "string" },
    });
  });

  it("fails when the provenance the overlay records is not the vendor document's version", () => {
    const overlay = overlayOf([
      { target: "$.info", description: "why", update: { "x-provenance": { version: "2.1.0" } } },
    ]);
    expect(() => applyOverlay({ info: { version: "2.2.0" } }, overlay)).toThrow(
      new OverlayError(
        'info.x-provenance.version is "2.1.0" but the vendor document\'s info.version is "2.2.0": ' +
          "record the version taken in (npm run spec:import does)",
      ),
    );
    const matching = { info: { version: "2.1.0" } };
    applyOverlay(matching, overlay);
    expect(matching.info).toEqual({ version: "2.1.0", "x-provenance": { version: "2.1.0" } });
  });
});
