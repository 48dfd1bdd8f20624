// Derives, from a bundled OpenAPI document, what the clients check about a request's shape before its
// schema: which fields a caller may pass, and which of them are decimal-string amounts. Generated into
// generated/<api>.requests.ts, so a field the vendor adds or renames works after `npm run generate`
// with no hand edit, and a field the vendor removes is refused as unknown.

type JsonObject = { [key: string]: unknown };

const HTTP_METHODS = ["get", "put", "post", "delete", "patch"] as const;

/**
 * The pattern our specs give a decimal-string amount ("1088.42"; no sign, exponent or leading zero),
 * added by an overlay where the vendor states it in prose. A property with this pattern is a decimal field.
 */
export const DECIMAL_STRING_PATTERN = "^(0|[1-9][0-9]*)(\\.[0-9]+)?$";

/** Marks a request property the client fills in itself (a signature, a nonce, a timestamp). */
export const SET_BY_CLIENT = "x-set-by-client";

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const SCHEMA_REF = /^#\/components\/schemas\/([^/]+)$/;

/** The component name a `$ref` points at, else undefined. */
function refName(schema: unknown): string | undefined {
  if (!isObject(schema) || typeof schema.$ref !== "string") return undefined;
  return SCHEMA_REF.exec(schema.$ref)?.[1];
}

/** Names of the object schemas a request body reaches through `$ref`s (the body's own first). */
export function requestSchemaNames(document: JsonObject): string[] {
  const schemas =
    isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isObject(node)) return;
    const name = refName(node);
    if (name !== undefined) {
      if (found.includes(name)) return;
      found.push(name);
      visit(schemas[name]);
      return;
    }
    for (const value of Object.values(node)) visit(value);
  };
  // Webhooks are left out: their bodies are sent to us, not by the clients.
  const paths = isObject(document.paths) ? document.paths : {};
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation) || !isObject(operation.requestBody)) continue;
      const content = operation.requestBody.content;
      const media = isObject(content) ? content["application/json"] : undefined;
      if (isObject(media)) visit(media.schema);
    }
  }
  return found.filter((name) => isObject(schemas[name]) && isObject(schemas[name].properties));
}

/** A schema name as a camelCase identifier: OtcRechargeRequest → otcRechargeRequest. */
function camel(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
  const joined = words.map((word, i) => (i === 0 ? word : word[0]?.toUpperCase() + word.slice(1))).join("");
  return joined.charAt(0).toLowerCase() + joined.slice(1);
}

/** The fields of one request schema: those a caller passes, and the decimal-string ones among them. */
export interface RequestSchemaFields {
  readonly schema: string;
  readonly fields: string[];
  readonly decimalFields: string[];
}

/** Reads the fields of every request schema of a bundled document. */
export function requestFields(document: JsonObject): RequestSchemaFields[] {
  const schemas =
    isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
  return requestSchemaNames(document).map((schema) => {
    const properties = (schemas[schema] as { properties: JsonObject }).properties;
    const fields = Object.keys(properties).filter((name) => {
      const property = properties[name];
      return !(isObject(property) && property[SET_BY_CLIENT] === true);
    });
    const decimalFields = fields.filter((name) => {
      const property = properties[name];
      return isObject(property) && property.pattern === DECIMAL_STRING_PATTERN;
    });
    return { schema, fields, decimalFields };
  });
}

/** Returns the TypeScript text of generated/<api>.requests.ts, whose types come from `typesModule`. */
export function generateRequestFields(document: JsonObject, typesModule: string): string {
  const lines = [
    `import type { components } from "${typesModule}";`,
    "",
    "// For each schema a request body reaches: the fields a caller passes, in the spec's order (those",
    `// marked \`${SET_BY_CLIENT}\` are filled in by the client and left out), and the decimal-string`,
    "// amounts among them (a string property with the decimal pattern).",
  ];
  for (const { schema, fields, decimalFields } of requestFields(document)) {
    const type = `keyof components["schemas"][${JSON.stringify(schema)}]`;
    const list = (values: string[]) => `[${values.map((value) => JSON.stringify(value)).join(", ")}]`;
    lines.push(
      "",
      `/** The fields of components["schemas"][${JSON.stringify(schema)}] a caller passes. */`,
      `export const ${camel(schema)}Fields = ${list(fields)} as const satisfies readonly (${type})[];`,
      `/** The decimal-string amounts of components["schemas"][${JSON.stringify(schema)}]. */`,
      `export const ${camel(schema)}DecimalFields = ${list(decimalFields)} as const satisfies readonly (${type})[];`,
    );
  }
  return `${lines.join("\n")}\n`;
}
