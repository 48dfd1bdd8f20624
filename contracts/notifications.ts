// The notification contracts: what each provider sends to the merchant's callback URL, pinned as
// Pact V4 asynchronous messages (a provider's notification is a message the merchant consumes; the
// HTTP request carrying it is the provider's to make, so a message pact fits better than an HTTP pact
// with the roles reversed). One pact per API, `payclients-notifications-<api>.json`, consumer
// "payclients-notifications", provider the API name. Each message's metadata names its webhook and
// carries the signing headers.
//
// Verified against the spec here: the content must match the webhook's request body schema in the
// bundled spec (and JSON carried in a string, GatePay's `data`, its `contentSchema`), and every
// signing header the webhook's security demands must be in the metadata with the scheme's format.
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ApiName } from "../scripts/lib/apis.js";
import { demandedSchemes, type SpecFinding, signingHeaders } from "./verify-spec.js";

export { NOTIFICATIONS_CONSUMER } from "./pacts.js";

type JsonObject = Record<string, unknown>;

/** One asynchronous message of a Pact V4 file. */
export interface PactMessage {
  type?: string;
  description: string;
  providerStates?: { name: string }[];
  contents?: { content?: unknown; contentType?: string };
  metadata?: Record<string, unknown>;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function schemaRef(node: unknown): string | undefined {
  return isObject(node) && typeof node.$ref === "string" ? node.$ref : undefined;
}

/** Compares every message of a notification pact with the webhooks of `spec`. */
export function verifyNotificationMessages(
  api: ApiName,
  messages: readonly PactMessage[],
  spec: JsonObject,
): SpecFinding[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(spec, "spec");
  const headers = signingHeaders(spec);
  const webhooks = isObject(spec.webhooks) ? spec.webhooks : {};
  const findings: SpecFinding[] = [];
  messages.forEach((message, index) => {
    const finding = (code: string, text: string, location: string): void => {
      findings.push({
        code,
        type: "error",
        message: text,
        interaction: message.description,
        state: (message.providerStates ?? []).map((state) => state.name).join("; "),
        location: `[root].interactions[${index}]${location}`,
      });
    };
    if (message.type !== "Asynchronous/Messages") {
      finding("message.type", `expected an asynchronous message, got ${String(message.type)}`, ".type");
      return;
    }
    const metadata = message.metadata ?? {};
    const name = typeof metadata.webhook === "string" ? metadata.webhook : "";
    const item = webhooks[name];
    const operation = isObject(item) && isObject(item.post) ? item.post : undefined;
    if (operation === undefined) {
      finding("message.webhook.unknown", `no webhook "${name}" in the ${api} spec`, ".metadata.webhook");
      return;
    }
    const body = isObject(operation.requestBody) ? operation.requestBody : {};
    const media = isObject(body.content) ? body.content["application/json"] : undefined;
    const ref = schemaRef(isObject(media) ? media.schema : undefined);
    const content = message.contents?.content;
    const check = ref === undefined ? undefined : ajv.getSchema(`spec${ref}`);
    if (check === undefined) {
      finding("message.schema.missing", `webhook ${name} has no JSON body schema`, ".contents");
      return;
    }
    if (!check(content)) {
      for (const error of check.errors ?? []) {
        finding(
          "message.content",
          `${error.instancePath || "(root)"} ${error.message ?? error.keyword}`,
          ".contents.content",
        );
      }
    }
    // JSON carried inside a string (GatePay's data): its own schema, as the spec's contentSchema says.
    const schema = ref === undefined ? undefined : ajv.getSchema(`spec${ref}`)?.schema;
    const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
    for (const [field, property] of Object.entries(properties)) {
      const embedded = isObject(property) ? schemaRef(property.contentSchema) : undefined;
      if (embedded === undefined || !isObject(content) || typeof content[field] !== "string") continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(content[field] as string);
      } catch {
        finding("message.content", `/${field} must be a JSON text`, ".contents.content");
        continue;
      }
      const inner = ajv.getSchema(`spec${embedded}`);
      if (inner !== undefined && !inner(parsed)) {
        for (const error of inner.errors ?? []) {
          finding(
            "message.content",
            `/${field}${error.instancePath} ${error.message ?? error.keyword}`,
            ".contents.content",
          );
        }
      }
    }
    const security = operation.security ?? spec.security;
    for (const scheme of demandedSchemes(security)) {
      const header = headers.get(scheme);
      if (header === undefined) continue;
      const value = metadata[header.name];
      if (typeof value !== "string" || !new RegExp(header.pattern, "u").test(value)) {
        finding(
          "message.header",
          `signing header ${header.name} is missing or not ${header.pattern}`,
          `.metadata['${header.name}']`,
        );
      }
    }
  });
  return findings;
}
