// Compiles the request and response schemas of every operation and webhook into standalone Ajv
// validators, so the clients and notification verifiers validate against the spec with small
// generated functions and no schema interpreter.
import { _, Ajv, type KeywordCxt } from "ajv";
import standaloneModule from "ajv/dist/standalone/index.js";

// A CommonJS module: under NodeNext its default import is the module object, whose `default` is the function.
const standaloneCode = standaloneModule.default;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const HTTP_METHODS = ["get", "put", "post", "delete", "patch"] as const;

/** The keyword our specs use for GatePay's "up to 32 bytes": a byte count, not a character count. */
const MAX_BYTES_KEYWORD = "x-max-bytes";

// Formats are checked with patterns compiled into the validator (no runtime format library).
const IPV4 = "^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$";
const IPV6 =
  "^(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(([0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})?::(([0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})?|([0-9A-Fa-f]{1,4}:){6}" +
  IPV4.slice(1, -1) +
  "|(([0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})?::(([0-9A-Fa-f]{1,4}:){0,5})?" +
  IPV4.slice(1, -1) +
  ")$";
const FORMAT_PATTERNS: Record<string, string> = { ipv4: IPV4, ipv6: IPV6 };

/** The keyword a checked format compiles to; its error names the formats, not a long regex. */
const FORMAT_KEYWORD = "x-format";
// Annotation-only formats: int64 is already `type: integer`; the rest describe, they do not constrain.
const ANNOTATION_FORMATS = new Set(["int64", "int32", "date-time"]);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The format names of an `anyOf` whose every branch is only a checked format, else undefined. */
function checkedFormatsOf(value: Json | undefined): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const formats = value.map((branch) =>
    isObject(branch) && Object.keys(branch).length === 1 && typeof branch.format === "string"
      ? branch.format
      : undefined,
  );
  return formats.every((format) => format !== undefined && FORMAT_PATTERNS[format] !== undefined)
    ? (formats as string[])
    : undefined;
}

/** Rewrites a spec schema into plain JSON Schema for Ajv: refs, formats, OpenAPI-only keywords. */
function toJsonSchema(schema: Json, options: { openEnums: boolean }): Json {
  const defsId = options.openEnums ? "open-defs" : "defs";
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, options));
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "example" || key === "examples" || key === "description" || key === "summary") continue;
    if (key.startsWith("x-") && key !== MAX_BYTES_KEYWORD) continue;
    // JSON carried inside a string (GatePay's `data`): its schema gets a validator of its own.
    if (key === "contentMediaType" || key === "contentSchema") continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.replace("#/components/schemas/", `${defsId}#/$defs/`);
    } else if (key === "format" && typeof value === "string") {
      if (FORMAT_PATTERNS[value]) out[FORMAT_KEYWORD] = [value];
      else if (!ANNOTATION_FORMATS.has(value))
        throw new Error(`format ${value}: no validator is defined for it`);
    } else if (key === "anyOf" && checkedFormatsOf(value)) {
      // `anyOf: [{format: ipv4}, {format: ipv6}]` is one rule ("an IP address"), so it compiles to one check.
      out[FORMAT_KEYWORD] = checkedFormatsOf(value) ?? [];
    } else if (key === "enum" && options.openEnums) {
      // Providers add enum values without notice; responses keep them as data (the client maps unknowns).
    } else if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub, options)]),
      );
    } else {
      out[key] = toJsonSchema(value, options);
    }
  }
  return out;
}

function pascal(text: string): string {
  return text.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());
}

function jsonSchemaOf(content: Json | undefined): Json | undefined {
  if (!isObject(content)) return undefined;
  const media = content["application/json"];
  return isObject(media) ? media.schema : undefined;
}

/** Names a response status key as an identifier suffix: 200 → 200, 4XX → 4xx. */
function statusSuffix(status: string): string {
  return status.toLowerCase();
}

/**
 * The `contentSchema` of each top-level string property of a body that carries JSON inside a string
 * (`contentMediaType: application/json`), by property name; follows one component `$ref`.
 */
function embeddedJsonSchemas(body: Json, schemas: JsonObject): Array<[string, Json]> {
  let schema = body;
  if (isObject(schema) && typeof schema.$ref === "string") {
    schema = schemas[schema.$ref.replace("#/components/schemas/", "")] ?? null;
  }
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  return Object.entries(properties).flatMap(
    ([name, property]): Array<[string, Json]> =>
      isObject(property) && property.contentMediaType === "application/json" && property.contentSchema
        ? [[name, property.contentSchema]]
        : [],
  );
}

/**
 * The length maxLength/minLength count, inlined because Ajv's standalone output would `require` its
 * own. It counts UTF-16 code units (`string.length`), as the providers' Java servers do: `@Size`
 * counts chars (docs/providers.md, "Lengths"). Ajv's own counts code points, so 51 emoji (102 units)
 * would pass a limit of 100 that DaxPay 2.0.8 refuses.
 */
const UCS2LENGTH = "function ucs2length(str) { return str.length; }";

/** Returns the TypeScript text of the validators module for one bundled OpenAPI document. */
export function generateValidators(document: JsonObject): string {
  const ajv = new Ajv({
    code: { source: true, esm: true, lines: true },
    allErrors: false,
    strict: true,
    strictTypes: false,
    // "at least one of" is written as anyOf of `required` lists, whose branches name no properties.
    strictRequired: false,
  });
  ajv.addKeyword({
    keyword: MAX_BYTES_KEYWORD,
    type: "string",
    schemaType: "number",
    code(cxt: KeywordCxt) {
      cxt.fail(_`new TextEncoder().encode(${cxt.data}).length > ${cxt.schema}`);
    },
    error: {
      message: (cxt) => _`"must be at most " + ${cxt.schemaCode} + " UTF-8 bytes"`,
      params: (cxt) => _`{limit: ${cxt.schemaCode}}`,
    },
  });
  ajv.addKeyword({
    keyword: FORMAT_KEYWORD,
    type: "string",
    schemaType: "array",
    code(cxt: KeywordCxt) {
      const formats = cxt.schema as string[];
      const checks = formats.map((format) => {
        const regex = cxt.gen.scopeValue("pattern", {
          ref: new RegExp(FORMAT_PATTERNS[format] ?? ""),
          code: _`new RegExp(${FORMAT_PATTERNS[format] ?? ""})`,
        });
        return _`${regex}.test(${cxt.data})`;
      });
      cxt.fail(_`!(${checks.reduce((all, check) => _`${all} || ${check}`)})`);
    },
    error: {
      message: (cxt) => _`"must be a valid " + ${cxt.schemaCode}.join(" or ") + " address"`,
      params: (cxt) => _`{formats: ${cxt.schemaCode}}`,
    },
  });
  const components = isObject(document.components) ? document.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  const exports: Record<string, string> = {};
  const lines: string[] = [];
  // Requests check enums; responses keep unknown enum values as data, so they get their own $defs.
  const paths = isObject(document.paths) ? document.paths : {};
  const pending: Array<{ name: string; schema: Json; openEnums: boolean }> = [];
  // Webhooks are requests the provider sends us: their bodies are incoming data, so like responses
  // they keep unknown enum values (a new status must not make a genuine notification unreadable).
  const webhooks = isObject(document.webhooks) ? document.webhooks : {};
  const items: Array<{ label: string; item: Json; incoming: boolean }> = [
    ...Object.entries(paths).map(([path, item]) => ({ label: path, item, incoming: false })),
    ...Object.entries(webhooks).map(([name, item]) => ({ label: `webhook ${name}`, item, incoming: true })),
  ];
  for (const { label, item, incoming } of items) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation) || typeof operation.operationId !== "string") continue;
      const base = `validate${pascal(operation.operationId)}`;
      const body = isObject(operation.requestBody) ? jsonSchemaOf(operation.requestBody.content) : undefined;
      if (body) {
        pending.push({ name: `${base}Request`, schema: body, openEnums: incoming });
        for (const [field, schema] of embeddedJsonSchemas(body, schemas)) {
          pending.push({ name: `${base}${pascal(field)}`, schema, openEnums: incoming });
        }
      }
      const responses = isObject(operation.responses) ? operation.responses : {};
      for (const [status, response] of Object.entries(responses)) {
        const schema = isObject(response) ? jsonSchemaOf(response.content) : undefined;
        if (schema) pending.push({ name: `${base}Response${statusSuffix(status)}`, schema, openEnums: true });
      }
      lines.push(` * ${method.toUpperCase()} ${label} (${operation.operationId})`);
    }
  }
  ajv.addSchema({ $id: "defs", $defs: toJsonSchema(schemas, { openEnums: false }) });
  ajv.addSchema({ $id: "open-defs", $defs: toJsonSchema(schemas, { openEnums: true }) });
  // Responses that share a schema (4XX and 5XX answer one error envelope) share one compiled validator.
  const aliases: Record<string, string> = {};
  const compiled = new Map<string, string>();
  for (const { name, schema, openEnums } of pending) {
    const converted = toJsonSchema(schema, { openEnums });
    const key = JSON.stringify([openEnums, converted]);
    const existing = compiled.get(key);
    if (existing !== undefined) {
      aliases[name] = existing;
      continue;
    }
    compiled.set(key, name);
    ajv.addSchema({ $id: name, ...(isObject(converted) ? converted : {}) });
    exports[name] = name;
  }
  let code = standaloneCode(ajv, exports);
  const ucs2 = /const (\w+) = require\("ajv\/dist\/runtime\/ucs2length"\)\.default;/g;
  code = code.replace(ucs2, (_m: string, id: string) => `const ${id} = ucs2length;`);
  if (code.includes("require(")) throw new Error("the generated validators still require a runtime module");
  const typed = [
    ...Object.keys(exports).map(
      (name) => `export const ${name}: SchemaValidator = ${name}Raw as unknown as SchemaValidator;`,
    ),
    ...Object.entries(aliases).map(([name, target]) => `export const ${name}: SchemaValidator = ${target};`),
  ].join("\n");
  // One pass over the module: a replace per export would make generation quadratic in operations.
  const renamed = code
    .replace(/^"use strict";/, "")
    .replace(/export const (\w+) = /g, (whole: string, name: string) =>
      name in exports ? `const ${name}Raw = ` : whole,
    );
  return [
    "// @ts-nocheck -- Ajv's standalone output is untyped JavaScript; the typed exports are at the end.",
    "/* biome-ignore-all lint: generated code */",
    "/**",
    " * Validators for the request body and each response of (webhook bodies keep unknown enum values):",
    ...lines,
    " */",
    "",
    "/** One schema violation, as Ajv reports it. */",
    "export interface SchemaIssue {",
    "  instancePath: string;",
    "  keyword: string;",
    "  params: Record<string, unknown>;",
    "  message?: string;",
    "}",
    "",
    "/** A compiled schema check: true when `data` conforms; otherwise `errors` says why. */",
    "export interface SchemaValidator {",
    "  (data: unknown): boolean;",
    "  errors?: SchemaIssue[] | null;",
    "}",
    "",
    UCS2LENGTH,
    renamed.trim(),
    "",
    typed,
    "",
  ].join("\n");
}
