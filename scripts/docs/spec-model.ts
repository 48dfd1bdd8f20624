// What the docs build, the sample extractor and the browser test need from a bundled spec: its
// operations, their samples and the fields a reader must see. Read from generated/openapi/*.json,
// the same lint-clean documents the clients are generated from.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { API_NAMES, type ApiName, bundledSpecPath } from "../lib/apis.js";

/** An `x-codeSamples` entry as Redoc reads it. */
export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

/** One operation of a bundled spec, with where Redoc renders it. */
export interface OperationInfo {
  api: ApiName;
  operationId: string;
  summary: string;
  method: string;
  path: string;
  tag: string;
  /** The hash route Redoc 3 gives the operation, e.g. "#/otc/createrecharge". */
  route: string;
  /** Request body fields, top level and one level down (PayerMax's business fields sit in `data`). */
  requestFields: string[];
  codeSamples: CodeSample[];
}

/** One webhook (a notification the provider sends us) of a bundled spec. */
export interface WebhookInfo {
  api: ApiName;
  /** The key under `webhooks`, e.g. "payOrderNotification". */
  name: string;
  operationId: string;
  summary: string;
  method: string;
  codeSamples: CodeSample[];
}

/** One bundled spec, summarised for the docs. */
export interface ApiInfo {
  api: ApiName;
  title: string;
  version: string;
  /** The page `npm run docs` writes for it, relative to site/. */
  page: string;
  tags: { name: string; route: string }[];
  operations: OperationInfo[];
  webhooks: WebhookInfo[];
}

type Json = Record<string, unknown>;

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown, where: string): string {
  if (typeof value !== "string" || value === "") throw new Error(`${where}: expected a non-empty string`);
  return value;
}

/** Redoc 3's route segment for a tag or operation id: lower case, runs of other characters as "-". */
export function redocSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Follows a local `#/components/...` reference; anything else is returned as is. */
function deref(document: Json, node: unknown): unknown {
  if (!isObject(node) || typeof node.$ref !== "string") return node;
  let target: unknown = document;
  for (const segment of node.$ref.replace(/^#\//, "").split("/")) {
    target = isObject(target) ? target[segment] : undefined;
  }
  if (target === undefined) throw new Error(`unresolved $ref ${node.$ref}`);
  return deref(document, target);
}

/** Property names of a schema, then of each object-valued property (one level, as Redoc shows them). */
function fieldNames(document: Json, schema: unknown, depth: number): string[] {
  const resolved = deref(document, schema);
  if (!isObject(resolved) || !isObject(resolved.properties)) return [];
  const names: string[] = [];
  for (const [name, property] of Object.entries(resolved.properties)) {
    names.push(name);
    if (depth > 0) names.push(...fieldNames(document, property, depth - 1));
  }
  return names;
}

function requestFields(document: Json, operation: Json): string[] {
  const body = deref(document, operation.requestBody);
  if (!isObject(body) || !isObject(body.content)) return [];
  const json = body.content["application/json"];
  return isObject(json) ? fieldNames(document, json.schema, 1) : [];
}

function codeSamples(operation: Json, where: string): CodeSample[] {
  const samples = operation["x-codeSamples"];
  if (samples === undefined) return [];
  if (!Array.isArray(samples)) throw new Error(`${where}: x-codeSamples must be an array`);
  return samples.map((sample, index) => {
    const at = `${where} x-codeSamples[${index}]`;
    if (!isObject(sample)) throw new Error(`${at}: expected an object`);
    return {
      lang: text(sample.lang, `${at}.lang`),
      label: text(sample.label, `${at}.label`),
      source: text(sample.source, `${at}.source`),
    };
  });
}

/** Summarises one bundled spec; throws naming the spot when the document lacks what the docs need. */
export function readApi(root: string, api: ApiName): ApiInfo {
  const file = bundledSpecPath(api);
  const document: unknown = JSON.parse(readFileSync(join(root, file), "utf8"));
  if (!isObject(document) || !isObject(document.info) || !isObject(document.paths)) {
    throw new Error(`${file}: not an OpenAPI document with info and paths`);
  }
  const operations: OperationInfo[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const where = `${file} ${method.toUpperCase()} ${path}`;
      const operationId = text(operation.operationId, `${where} operationId`);
      const tags = Array.isArray(operation.tags) ? operation.tags : [];
      const tag = text(tags[0], `${where} tags[0]`);
      operations.push({
        api,
        operationId,
        summary: text(operation.summary, `${where} summary`),
        method,
        path,
        tag,
        route: `#/${redocSlug(tag)}/${redocSlug(operationId)}`,
        requestFields: requestFields(document, operation),
        codeSamples: codeSamples(operation, where),
      });
    }
  }
  const webhooks: WebhookInfo[] = [];
  for (const [name, item] of Object.entries(isObject(document.webhooks) ? document.webhooks : {})) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const where = `${file} webhook ${name} ${method.toUpperCase()}`;
      webhooks.push({
        api,
        name,
        operationId: text(operation.operationId, `${where} operationId`),
        summary: text(operation.summary, `${where} summary`),
        method,
        codeSamples: codeSamples(operation, where),
      });
    }
  }
  const tagNames = [...new Set(operations.map((operation) => operation.tag))];
  return {
    api,
    title: text(document.info.title, `${file} info.title`),
    version: text(document.info.version, `${file} info.version`),
    page: `${api}.html`,
    tags: tagNames.map((name) => ({ name, route: `#/${redocSlug(name)}` })),
    operations,
    webhooks,
  };
}

/** Every API in redocly.yaml, in its order. */
export function readApis(root: string): ApiInfo[] {
  return API_NAMES.map((api) => readApi(root, api));
}
