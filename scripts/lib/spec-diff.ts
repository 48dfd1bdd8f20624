// Classifies the changes between two bundled OpenAPI documents of one API, at two levels:
//   - on the wire, for a client: each change gets a rule id named after oasdiff's checks
//     (new-required-request-property, response-property-removed, api-path-removed, ...) and says
//     whether it breaks a client that was written against the old document;
//   - in the public TypeScript types: which components["schemas"] types change and how, and which
//     exported client types are built from them.
// The structural diff itself is microdiff's; this module only prepares the two trees (references
// resolved, `required` and `enum` turned into sets, prose dropped) and names what each difference means.
import diff, { type Difference } from "microdiff";
import { apiSources, type FileReader, sideDocument, vendorDocument } from "./spec-source.js";

type JsonObject = { [key: string]: unknown };

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

/** Keys that document but do not change what is sent or received. */
const PROSE = new Set(["description", "summary", "example", "examples", "title", "externalDocs", "tags"]);
/** Extensions that do change what is checked (kept in the comparison); every other `x-` is prose. */
const CHECKED_EXTENSIONS = new Set(["x-max-bytes", "x-pattern"]);

/** Which way a schema's data travels, seen from the client. */
type Direction = "request" | "response";

/** One classified change. */
export interface SpecChange {
  readonly api: string;
  /** "wire": what is sent or received; "types": the generated and exported TypeScript types. */
  readonly level: "wire" | "types";
  /** True when a client written against the old document can fail against the new one. */
  readonly breaking: boolean;
  /** An oasdiff-style check id, e.g. `new-required-request-property`. */
  readonly rule: string;
  /** Where: `POST /path request channel`, or `components["schemas"]["X"].field`. */
  readonly where: string;
  /** What changed, in a few words. */
  readonly detail: string;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follows a local JSON pointer (`#/components/schemas/X`). */
function resolvePointer(document: JsonObject, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = document;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = isObject(node) ? node[key] : undefined;
  }
  return node;
}

/**
 * A schema (or any spec node) ready for comparison: prose dropped, `required` and `enum` as sets
 * (objects keyed by member, so a reorder is no change and an addition is one difference), `type`
 * lists as one sorted string, and, when `document` is given, `$ref`s replaced by what they point at.
 */
function normalize(node: unknown, document: JsonObject | undefined, seen: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((item) => normalize(item, document, seen));
  if (!isObject(node)) return node;
  if (document !== undefined && typeof node.$ref === "string") {
    // A recursive schema is compared by name below its first occurrence.
    if (seen.includes(node.$ref)) return { $ref: node.$ref };
    return normalize(resolvePointer(document, node.$ref), document, [...seen, node.$ref]);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (PROSE.has(key) || (key.startsWith("x-") && !CHECKED_EXTENSIONS.has(key))) continue;
    if ((key === "required" || key === "enum") && Array.isArray(value)) {
      out[key] = Object.fromEntries(value.map((member) => [JSON.stringify(member), true]));
    } else if (key === "type" && Array.isArray(value)) {
      out[key] = [...value].sort().join("|");
    } else if (key === "properties" && isObject(value)) {
      // Property names are data here, not keywords, even "description" or "x-foo".
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, normalize(sub, document, seen)]),
      );
    } else {
      out[key] = normalize(value, document, seen);
    }
  }
  return out;
}

function jsonSchemaOf(content: unknown): unknown {
  const media = isObject(content) ? content["application/json"] : undefined;
  return isObject(media) ? media.schema : undefined;
}

/** The wire view of a document: per operation, its parameters, request body and responses. */
function wireView(document: JsonObject): JsonObject {
  const view: JsonObject = {};
  for (const [section, incoming] of [
    ["paths", false],
    ["webhooks", true],
  ] as const) {
    const items = isObject(document[section]) ? document[section] : {};
    for (const [name, rawItem] of Object.entries(items)) {
      const item = normalizeRef(document, rawItem);
      if (!isObject(item)) continue;
      const operations: JsonObject = {};
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!isObject(operation)) continue;
        const parameters: JsonObject = {};
        const all = [
          ...(Array.isArray(item.parameters) ? item.parameters : []),
          ...(Array.isArray(operation.parameters) ? operation.parameters : []),
        ];
        for (const raw of all) {
          const parameter = normalizeRef(document, raw);
          if (!isObject(parameter)) continue;
          parameters[`${parameter.in} ${parameter.name}`] = {
            required: parameter.required === true,
            schema: normalize(parameter.schema, document) ?? {},
          };
        }
        const body = normalizeRef(document, operation.requestBody);
        const responses: JsonObject = {};
        for (const [status, rawResponse] of Object.entries(
          isObject(operation.responses) ? operation.responses : {},
        )) {
          const response = normalizeRef(document, rawResponse);
          responses[status] = {
            schema:
              normalize(isObject(response) ? jsonSchemaOf(response.content) : undefined, document) ?? {},
          };
        }
        operations[method.toUpperCase()] = {
          incoming,
          parameters,
          ...(isObject(body)
            ? {
                request: {
                  required: body.required === true,
                  schema: normalize(jsonSchemaOf(body.content), document) ?? {},
                },
              }
            : {}),
          responses,
        };
      }
      view[`${section === "webhooks" ? "webhook " : ""}${name}`] = operations;
    }
  }
  return view;
}

function normalizeRef(document: JsonObject, node: unknown): unknown {
  return isObject(node) && typeof node.$ref === "string" ? resolvePointer(document, node.$ref) : node;
}

/** A position inside a schema: the field it belongs to, and the keyword path below that field. */
interface SchemaPosition {
  /** `data.card_info.bank_name`, `items[]`; empty for the schema itself. */
  readonly field: string;
  /** The keywords after the last field segment, e.g. ["required", "\"channel\""] or ["maxLength"]. */
  readonly rest: readonly (string | number)[];
  /** True when the position is exactly a property (its addition or removal). */
  readonly isProperty: boolean;
  /** The path of the object schema that holds the last property, within the schema. */
  readonly parentPath: readonly (string | number)[];
}

function schemaPosition(path: readonly (string | number)[]): SchemaPosition {
  let field = "";
  let rest: (string | number)[] = [];
  let isProperty = false;
  let parentPath: (string | number)[] = [];
  let i = 0;
  const joined = (name: string) => (field === "" ? name : `${field}.${name}`);
  while (i < path.length) {
    const segment = path[i];
    if (segment === "properties" && i + 1 < path.length) {
      parentPath = path.slice(0, i) as (string | number)[];
      field = joined(String(path[i + 1]));
      isProperty = i + 2 === path.length;
      rest = [];
      i += 2;
    } else if (segment === "items") {
      field = `${field}[]`;
      isProperty = false;
      rest = [];
      i += 1;
    } else if ((segment === "allOf" || segment === "anyOf" || segment === "oneOf") && i + 1 < path.length) {
      rest = [];
      isProperty = false;
      i += 2;
    } else {
      rest = path.slice(i) as (string | number)[];
      isProperty = false;
      break;
    }
  }
  return { field, rest, isProperty, parentPath };
}

function get(node: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((current, key) => (isObject(current) ? current[String(key)] : undefined), node);
}

function typeOf(schema: unknown): string {
  if (!isObject(schema)) return "any";
  if (typeof schema.type === "string") return schema.type;
  if (typeof schema.$ref === "string") return schema.$ref.replace("#/components/schemas/", "");
  return "schema";
}

const LIMITS_UP_IS_LOOSER = new Set(["maxLength", "maxItems", "maximum", "x-max-bytes", "maxProperties"]);
const LIMITS_DOWN_IS_LOOSER = new Set(["minLength", "minItems", "minimum", "minProperties"]);

interface Classified {
  rule: string;
  breaking: boolean;
  detail: string;
}

/** Turns one schema-level difference into a rule, for data travelling in `direction`. */
function classifySchemaChange(
  change: Difference,
  position: SchemaPosition,
  direction: Direction,
  after: unknown,
  schemaPath: readonly (string | number)[],
): Classified | undefined {
  const side = direction;
  const name = position.field || "body";
  const [keyword, member] = position.rest;
  if (position.isProperty) {
    if (change.type === "CREATE") {
      const required = isObject(get(after, [...position.parentPath, "required"]))
        ? (get(after, [...position.parentPath, "required"]) as JsonObject)[
            JSON.stringify(String(schemaPath.at(-1)))
          ] === true
        : false;
      if (side === "request") {
        return required
          ? {
              rule: "new-required-request-property",
              breaking: true,
              detail: `${name} added, required (${typeOf(change.value)})`,
            }
          : {
              rule: "new-optional-request-property",
              breaking: false,
              detail: `${name} added, optional (${typeOf(change.value)})`,
            };
      }
      return {
        rule: "response-property-added",
        breaking: false,
        detail: `${name} added, ${required ? "required" : "optional"} (${typeOf(change.value)})`,
      };
    }
    if (change.type === "REMOVE") {
      return side === "request"
        ? { rule: "request-property-removed", breaking: true, detail: `${name} removed` }
        : { rule: "response-property-removed", breaking: true, detail: `${name} removed` };
    }
    return { rule: `${side}-property-type-changed`, breaking: true, detail: `${name} replaced` };
  }
  if (keyword === "required" && member === undefined) {
    // The whole set appeared or disappeared: one change per member.
    return undefined;
  }
  if (keyword === "required") {
    const property = JSON.parse(String(member)) as string;
    const field = position.field === "" ? property : `${position.field}.${property}`;
    if (change.type === "CREATE") {
      return side === "request"
        ? { rule: "request-property-became-required", breaking: true, detail: `${field} is now required` }
        : {
            rule: "response-property-became-required",
            breaking: false,
            detail: `${field} is now always present`,
          };
    }
    return side === "request"
      ? { rule: "request-property-became-optional", breaking: false, detail: `${field} is now optional` }
      : { rule: "response-property-became-optional", breaking: true, detail: `${field} may now be absent` };
  }
  if (keyword === "type") {
    const from = change.type === "CREATE" ? "any" : String((change as { oldValue: unknown }).oldValue);
    const to = change.type === "REMOVE" ? "any" : String((change as { value: unknown }).value);
    return { rule: `${side}-property-type-changed`, breaking: true, detail: `${name}: type ${from} → ${to}` };
  }
  if (keyword === "enum" && member !== undefined) {
    const value = String(member);
    if (change.type === "CREATE") {
      return {
        rule: `${side}-property-enum-value-added`,
        breaking: false,
        detail: `${name}: value ${value} added`,
      };
    }
    // Responses keep unknown enum values as data (the generated validators leave response enums open).
    return {
      rule: `${side}-property-enum-value-removed`,
      breaking: side === "request",
      detail: `${name}: value ${value} removed`,
    };
  }
  if (keyword === "enum" || keyword === "const") {
    const restricted = change.type !== "REMOVE";
    return {
      rule: `${side}-property-${keyword}-${change.type === "CREATE" ? "added" : change.type === "REMOVE" ? "removed" : "changed"}`,
      breaking: side === "request" && restricted,
      detail: `${name}: ${keyword} ${change.type === "REMOVE" ? "removed" : "now restricts the value"}`,
    };
  }
  if (keyword === "pattern" || keyword === "format" || keyword === "x-pattern") {
    const what = keyword === "format" ? "format" : "pattern";
    const verb = change.type === "CREATE" ? "added" : change.type === "REMOVE" ? "removed" : "changed";
    const value = change.type === "REMOVE" ? "" : ` ${JSON.stringify((change as { value: unknown }).value)}`;
    return {
      rule: `${side}-property-${what}-${verb}`,
      breaking: side === "request" && change.type !== "REMOVE",
      detail: `${name}: ${what} ${verb}${value}`,
    };
  }
  if (
    typeof keyword === "string" &&
    (LIMITS_UP_IS_LOOSER.has(keyword) || LIMITS_DOWN_IS_LOOSER.has(keyword))
  ) {
    const before = change.type === "CREATE" ? undefined : Number((change as { oldValue: unknown }).oldValue);
    const now = change.type === "REMOVE" ? undefined : Number((change as { value: unknown }).value);
    const looser =
      now === undefined ||
      (before !== undefined && (LIMITS_UP_IS_LOOSER.has(keyword) ? now > before : now < before));
    const kebab = keyword.replace(/^x-/, "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const verb =
      change.type === "CREATE"
        ? "set"
        : change.type === "REMOVE"
          ? "unset"
          : looser
            ? "relaxed"
            : "tightened";
    return {
      rule: `${side}-property-${kebab}-${verb}`,
      breaking: side === "request" && !looser,
      detail: `${name}: ${keyword} ${before ?? "none"} → ${now ?? "none"}`,
    };
  }
  return {
    rule: "unclassified-change",
    breaking: true,
    detail: `${name}: ${[...position.rest].join(".") || "schema"} ${change.type.toLowerCase()}d (review by hand)`,
  };
}

/** Expands a created or removed `required` set into one difference per member. */
function expandSets(changes: Difference[]): Difference[] {
  const out: Difference[] = [];
  for (const change of changes) {
    const last = change.path.at(-1);
    const value =
      change.type === "REMOVE" ? change.oldValue : change.type === "CREATE" ? change.value : undefined;
    if ((last === "required" || last === "enum") && isObject(value) && change.type !== "CHANGE") {
      for (const member of Object.keys(value))
        out.push({ ...change, path: [...change.path, member] } as Difference);
    } else {
      out.push(change);
    }
  }
  return out;
}

/**
 * True for a `required` member added with its property, or removed with it: "new required property"
 * and "property removed" already say it, so the required-set change is not reported again.
 */
function isRequiredOfChangedProperty(change: Difference, all: Difference[]): boolean {
  const path = change.path;
  if (change.type === "CHANGE" || path.at(-2) !== "required") return false;
  const property = JSON.parse(String(path.at(-1))) as string;
  const holder = path.slice(0, -2);
  return all.some(
    (other) =>
      other.type === change.type &&
      other.path.length === holder.length + 2 &&
      other.path.slice(0, holder.length).every((segment, i) => segment === holder[i]) &&
      other.path[holder.length] === "properties" &&
      other.path[holder.length + 1] === property,
  );
}

/** The wire-level changes between two bundled documents of `api`. */
export function wireChanges(api: string, before: JsonObject, after: JsonObject): SpecChange[] {
  const old = wireView(before);
  const now = wireView(after);
  const raw = expandSets(diff(old, now));
  const changes: SpecChange[] = [];
  const add = (where: string, classified: Classified) =>
    changes.push({ api, level: "wire", where, ...classified });
  for (const change of raw) {
    if (isRequiredOfChangedProperty(change, raw)) continue;
    const [path, method, part, key, ...rest] = change.path.map(String);
    const webhook = path?.startsWith("webhook ") === true;
    if (method === undefined) {
      const kind = webhook ? "webhook" : "api-path";
      const label = change.type === "CREATE" ? "added" : "removed";
      add(String(path), {
        rule: `${kind}-${label}`,
        // A webhook that is no longer sent breaks no call the client makes.
        breaking: change.type === "REMOVE" && !webhook,
        detail: `${webhook ? "webhook" : "path"} ${label}`,
      });
      continue;
    }
    const where = `${method} ${path}`;
    if (part === undefined) {
      const removed = change.type === "REMOVE";
      add(where, {
        rule: webhook
          ? `webhook-operation-${removed ? "removed" : "added"}`
          : removed
            ? "api-removed-without-deprecation"
            : "endpoint-added",
        breaking: removed && !webhook,
        detail: `operation ${removed ? "removed" : "added"}`,
      });
      continue;
    }
    // A webhook's request is what the provider sends us: it reads like a response.
    const requestSide: Direction = webhook ? "response" : "request";
    if (part === "parameters") {
      const name = String(key);
      const schemaPath = change.path.slice(5);
      if (rest.length === 0) {
        if (change.type === "CREATE") {
          const required = isObject(change.value) && change.value.required === true;
          add(where, {
            rule: required ? "new-required-request-parameter" : "new-optional-request-parameter",
            breaking: required && !webhook,
            detail: `parameter ${name} added${required ? ", required" : ""}`,
          });
        } else if (change.type === "REMOVE") {
          add(where, {
            rule: "request-parameter-removed",
            breaking: false,
            detail: `parameter ${name} removed`,
          });
        }
      } else if (rest[0] === "required") {
        const nowRequired = change.type !== "REMOVE" && (change as { value: unknown }).value === true;
        add(where, {
          rule: nowRequired ? "request-parameter-became-required" : "request-parameter-became-optional",
          breaking: nowRequired && !webhook,
          detail: `parameter ${name} is now ${nowRequired ? "required" : "optional"}`,
        });
      } else {
        const position = schemaPosition(schemaPath);
        const classified = classifySchemaChange(
          change,
          position,
          requestSide,
          get(now, change.path.slice(0, 5)),
          schemaPath,
        );
        if (classified) add(where, { ...classified, detail: `parameter ${name}: ${classified.detail}` });
      }
      continue;
    }
    if (part === "request") {
      if (key === undefined) {
        const removed = change.type === "REMOVE";
        add(where, {
          rule: removed ? "request-body-removed" : "request-body-added",
          breaking: !webhook,
          detail: `request body ${removed ? "removed" : "added"}`,
        });
      } else if (key === "required") {
        const nowRequired = change.type !== "REMOVE" && (change as { value: unknown }).value === true;
        add(where, {
          rule: nowRequired ? "request-body-became-required" : "request-body-became-optional",
          breaking: nowRequired && !webhook,
          detail: `request body is now ${nowRequired ? "required" : "optional"}`,
        });
      } else {
        const schemaPath = change.path.slice(4);
        const classified = classifySchemaChange(
          change,
          schemaPosition(schemaPath),
          requestSide,
          get(now, change.path.slice(0, 4)),
          schemaPath,
        );
        if (classified) add(`${where} request`, classified);
      }
      continue;
    }
    if (part === "responses") {
      const status = String(key);
      const success = status.startsWith("2");
      if (rest.length === 0) {
        const removed = change.type === "REMOVE";
        add(where, {
          rule: `response-${success ? "success" : "non-success"}-status-${removed ? "removed" : "added"}`,
          breaking: removed && success && !webhook,
          detail: `status ${status} ${removed ? "removed" : "added"}`,
        });
        continue;
      }
      const schemaPath = change.path.slice(5);
      const classified = classifySchemaChange(
        change,
        schemaPosition(schemaPath),
        "response",
        get(now, change.path.slice(0, 5)),
        schemaPath,
      );
      if (classified) add(`${where} response ${status}`, classified);
      continue;
    }
    add(where, {
      rule: "unclassified-change",
      breaking: true,
      detail: `${change.path.join(".")} (review by hand)`,
    });
  }
  return changes;
}

/** The exported client types built from each generated schema, by api then schema name. */
export type ExportedTypes = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/**
 * Reads, from the client sources, which exported types are built from which generated schemas: a
 * `components["schemas"]["X"]` of a module imported from generated/<api>.js, directly or through a
 * local alias. `sources` maps a file name to its text.
 */
export function exportedTypesOf(sources: Readonly<Record<string, string>>): ExportedTypes {
  const out: Record<string, Record<string, Set<string>>> = {};
  for (const text of Object.values(sources)) {
    const modules = new Map<string, string>();
    for (const match of text.matchAll(/import type \{([^}]*)\} from "(?:\.\.\/)+generated\/([\w-]+)\.js"/g)) {
      const names = match[1] ?? "";
      const api = match[2] ?? "";
      const alias = /\bcomponents(?:\s+as\s+(\w+))?/.exec(names);
      if (alias) modules.set(alias[1] ?? "components", api);
    }
    if (modules.size === 0) continue;
    const declarations = new Map<string, { exported: boolean; body: string }>();
    for (const match of text.matchAll(/^(export )?type (\w+)(?:<[^=]*>)? =([\s\S]*?);$/gm)) {
      declarations.set(match[2] ?? "", { exported: match[1] !== undefined, body: match[3] ?? "" });
    }
    for (const match of text.matchAll(/^(export )?interface (\w+)[^{]*\{([\s\S]*?)^\}/gm)) {
      declarations.set(match[2] ?? "", { exported: match[1] !== undefined, body: match[3] ?? "" });
    }
    const schemasOf = (name: string, seen: Set<string>): Array<[string, string]> => {
      const declaration = declarations.get(name);
      if (declaration === undefined || seen.has(name)) return [];
      seen.add(name);
      const found: Array<[string, string]> = [];
      for (const use of declaration.body.matchAll(/(\w+)\["schemas"\]\["(\w+)"\]/g)) {
        const api = modules.get(use[1] ?? "");
        if (api !== undefined) found.push([api, use[2] ?? ""]);
      }
      for (const word of declaration.body.matchAll(/\b[A-Z]\w*\b/g)) {
        if (declarations.has(word[0])) found.push(...schemasOf(word[0], seen));
      }
      return found;
    };
    for (const [name, declaration] of declarations) {
      if (!declaration.exported) continue;
      for (const [api, schema] of schemasOf(name, new Set())) {
        const bySchema = out[api] ?? {};
        out[api] = bySchema;
        const names = bySchema[schema] ?? new Set<string>();
        bySchema[schema] = names;
        names.add(name);
      }
    }
  }
  return Object.fromEntries(
    Object.entries(out).map(([api, bySchema]) => [
      api,
      Object.fromEntries(Object.entries(bySchema).map(([schema, names]) => [schema, [...names].sort()])),
    ]),
  );
}

/** Names of the component schemas each direction reaches (through `$ref`s). */
function schemaRoles(document: JsonObject): { request: Set<string>; response: Set<string> } {
  const roles = { request: new Set<string>(), response: new Set<string>() };
  const visit = (node: unknown, into: Set<string>): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, into);
      return;
    }
    if (!isObject(node)) return;
    if (typeof node.$ref === "string") {
      const name = /^#\/components\/schemas\/(.+)$/.exec(node.$ref)?.[1];
      if (name !== undefined && !into.has(name)) {
        into.add(name);
        visit(resolvePointer(document, node.$ref), into);
      }
      return;
    }
    for (const value of Object.values(node)) visit(value, into);
  };
  for (const [section, incoming] of [
    ["paths", false],
    ["webhooks", true],
  ] as const) {
    for (const item of Object.values(isObject(document[section]) ? document[section] : {})) {
      if (!isObject(item)) continue;
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!isObject(operation)) continue;
        visit(operation.requestBody, incoming ? roles.response : roles.request);
        visit(operation.responses, roles.response);
      }
    }
  }
  return roles;
}

/** Changes to the generated `components["schemas"]` types, named with the client types built on them. */
export function typeChanges(
  api: string,
  before: JsonObject,
  after: JsonObject,
  exported: ExportedTypes = {},
): SpecChange[] {
  const schemasOf = (document: JsonObject) =>
    isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
  const old = normalize(schemasOf(before), undefined) as JsonObject;
  const now = normalize(schemasOf(after), undefined) as JsonObject;
  const rolesBefore = schemaRoles(before);
  const rolesAfter = schemaRoles(after);
  const raw = expandSets(diff(old, now));
  const changes: SpecChange[] = [];
  // The generated `paths` type keys each operation by its path: the raw openapi-fetch clients call by it.
  const pathsOf = (document: JsonObject) => Object.keys(isObject(document.paths) ? document.paths : {});
  for (const path of pathsOf(before).filter((path) => !pathsOf(after).includes(path))) {
    changes.push({
      api,
      level: "types",
      breaking: true,
      rule: "type-path-removed",
      where: `paths["${path}"]`,
      detail: "removed: raw client calls on it no longer compile",
    });
  }
  for (const path of pathsOf(after).filter((path) => !pathsOf(before).includes(path))) {
    changes.push({
      api,
      level: "types",
      breaking: false,
      rule: "type-path-added",
      where: `paths["${path}"]`,
      detail: "added",
    });
  }
  for (const change of raw) {
    if (isRequiredOfChangedProperty(change, raw)) continue;
    const schema = String(change.path[0]);
    const input = rolesBefore.request.has(schema) || rolesAfter.request.has(schema);
    const output = rolesBefore.response.has(schema) || rolesAfter.response.has(schema);
    const names = exported[api]?.[schema] ?? [];
    const where = `components["schemas"]["${schema}"]${names.length > 0 ? ` (exported as ${names.join(", ")})` : ""}`;
    const found = describeTypeChange(change, schemaPosition(change.path.slice(1)), input, output, now);
    if (found === undefined) continue;
    changes.push({ api, level: "types", where, ...found });
  }
  return changes;
}

/** What one schema difference does to the generated type; undefined when the type is unchanged. */
function describeTypeChange(
  change: Difference,
  position: SchemaPosition,
  input: boolean,
  output: boolean,
  now: JsonObject,
): Classified | undefined {
  const schemaName = String(change.path[0]);
  if (change.path.length === 1) {
    return change.type === "CREATE"
      ? { rule: "type-added", breaking: false, detail: "new type" }
      : {
          rule: "type-removed",
          breaking: true,
          detail: "type removed: code that names it no longer compiles",
        };
  }
  const name = position.field || "(the type itself)";
  const [keyword, member] = position.rest;
  if (position.isProperty) {
    if (change.type === "CREATE") {
      const required =
        (get(now, [schemaName, ...position.parentPath.slice(0), "required"]) as JsonObject | undefined)?.[
          JSON.stringify(String(change.path.at(-1)))
        ] === true;
      return {
        rule: required ? "type-required-property-added" : "type-optional-property-added",
        // Code that builds a request of this type must now pass a required field.
        breaking: required && input,
        detail: `${name}: added, ${required ? "required" : "optional"} (${typeOf(change.value)})`,
      };
    }
    if (change.type === "REMOVE") {
      return {
        rule: "type-property-removed",
        breaking: true,
        detail: `${name}: removed (code that names it no longer compiles)`,
      };
    }
    return { rule: "type-property-type-changed", breaking: true, detail: `${name}: replaced` };
  }
  if (keyword === "required" && member !== undefined) {
    const property = JSON.parse(String(member)) as string;
    const field = position.field === "" ? property : `${position.field}.${property}`;
    return change.type === "CREATE"
      ? {
          rule: "type-property-became-required",
          breaking: input,
          detail: `${field}: now required (\`${property}:\` not \`${property}?:\`)`,
        }
      : {
          rule: "type-property-became-optional",
          breaking: output,
          detail: `${field}: now optional (may be undefined)`,
        };
  }
  if (keyword === "type" || keyword === "$ref") {
    return { rule: "type-property-type-changed", breaking: true, detail: `${name}: type changed` };
  }
  if (keyword === "enum" && member !== undefined) {
    return change.type === "CREATE"
      ? { rule: "type-enum-value-added", breaking: false, detail: `${name}: union gains ${member}` }
      : { rule: "type-enum-value-removed", breaking: input, detail: `${name}: union loses ${member}` };
  }
  if (keyword === "enum" || keyword === "const") {
    return {
      rule: `type-${keyword}-changed`,
      breaking: input,
      detail: `${name}: literal union ${change.type === "REMOVE" ? "widened to its base type" : "changed"}`,
    };
  }
  if (
    keyword === "additionalProperties" ||
    keyword === "items" ||
    keyword === "allOf" ||
    keyword === "anyOf" ||
    keyword === "oneOf"
  ) {
    return {
      rule: "type-shape-changed",
      breaking: true,
      detail: `${name}: ${keyword} changed (review by hand)`,
    };
  }
  // pattern, format, limits, x-*: checked by the validators, invisible in the types.
  return undefined;
}

/** Every change between two bundled documents of one API, wire level first. */
export function specChanges(
  api: string,
  before: JsonObject,
  after: JsonObject,
  exported: ExportedTypes = {},
): SpecChange[] {
  return [...wireChanges(api, before, after), ...typeChanges(api, before, after, exported)];
}

/** One line per change: `api  wire  BREAKING      rule  where: detail`. */
export function formatChange(change: SpecChange): string {
  const verdict = change.breaking ? "BREAKING    " : "non-breaking";
  return `${change.api}  ${change.level.padEnd(5)}  ${verdict}  ${change.rule}  ${change.where}: ${change.detail}`;
}

/** The comparison of one API between two trees. */
export interface ApiComparison {
  readonly api: string;
  readonly changes: SpecChange[];
  /** Set when the new overlay does not apply: the changes are then those of the vendor documents alone. */
  readonly overlayProblem?: string;
}

/**
 * Compares every API of two trees (e.g. HEAD and the working tree), as redocly.yaml on each side
 * names them. When the new side's overlay does not apply, the vendor documents are compared without
 * their overlays, so the vendor's change is still classified, and the overlay's problems are returned.
 */
export function compareTrees(
  before: FileReader,
  after: FileReader,
  exported: ExportedTypes = {},
): ApiComparison[] {
  const names = new Set([...apiSources(before), ...apiSources(after)].map((source) => source.api));
  const out: ApiComparison[] = [];
  for (const api of [...names].sort()) {
    const old = sideDocument(before, api);
    const now = sideDocument(after, api);
    if (old.kind === "absent" && now.kind === "absent") continue;
    if (old.kind === "absent" || now.kind === "absent") {
      const removed = now.kind === "absent";
      out.push({
        api,
        changes: [
          {
            api,
            level: "wire",
            breaking: removed,
            rule: removed ? "api-removed" : "api-added",
            where: api,
            detail: removed ? "the API is no longer in redocly.yaml" : "a new API in redocly.yaml",
          },
        ],
      });
      continue;
    }
    if (old.kind === "bundled" && now.kind === "bundled") {
      out.push({ api, changes: specChanges(api, old.document, now.document, exported) });
      continue;
    }
    const vendorBefore = vendorDocument(before, api) ?? {};
    const vendorAfter = vendorDocument(after, api) ?? {};
    out.push({
      api,
      changes: specChanges(api, vendorBefore, vendorAfter, exported),
      ...(now.kind === "overlay-failed" ? { overlayProblem: now.problem } : {}),
    });
  }
  return out;
}
