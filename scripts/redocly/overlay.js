// @ts-check
// Applies an OpenAPI Overlay 1.0 document to a parsed OpenAPI document, in place.
// Hand-written because Redocly has no overlay step, and the subset we need is small: targets are
// plain JSONPath member chains ($, .name, ['name'], [index]); no wildcards or filters, so a target
// always names exactly one node and a typo fails loudly instead of matching nothing.

/** @typedef {{ target: string, description?: string, update?: unknown, remove?: boolean }} OverlayAction */

/** Error raised for an overlay that cannot be applied; it names the action and the rule broken. */
export class OverlayError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "OverlayError";
  }
}

/**
 * Parses a JSONPath member chain into its segments.
 * @param {string} target
 * @returns {(string | number)[]}
 */
export function parseTarget(target) {
  if (!target.startsWith("$")) throw new OverlayError(`target ${JSON.stringify(target)}: must start with $`);
  /** @type {(string | number)[]} */
  const segments = [];
  let rest = target.slice(1);
  const pattern = /^(?:\.([A-Za-z_$][\w$-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\])/;
  while (rest.length > 0) {
    const match = pattern.exec(rest);
    if (!match)
      throw new OverlayError(
        `target ${JSON.stringify(target)}: unsupported syntax at ${JSON.stringify(rest)}`,
      );
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(match[2].replace(/\\(.)/g, "$1"));
    else segments.push(Number(match[3]));
    rest = rest.slice(match[0].length);
  }
  return segments;
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keywords that make a schema complete enough to add as a new property (it says what the value is). */
const DEFINING_KEYWORDS = ["type", "$ref", "allOf", "anyOf", "oneOf", "const"];

/**
 * Merges `update` into `target`: objects merge key by key, anything else replaces. Inside a
 * `properties` map, a name the document does not have may be added only with a defining keyword
 * (type, $ref, ...): a bare refinement (pattern, enum, description) of a missing property means the
 * vendor removed or renamed it, and merging it would silently re-create the field.
 * @param {Record<string, unknown>} target
 * @param {Record<string, unknown>} update
 * @param {boolean} isProperties true when `target` is a schema's `properties` map
 * @param {string} where the JSONPath of `target`, for messages
 * @param {string[]} problems collects what cannot be merged
 */
function mergeInto(target, update, isProperties, where, problems) {
  for (const [key, value] of Object.entries(update)) {
    const current = target[key];
    if (isProperties && current === undefined) {
      const defines = isObject(value) && DEFINING_KEYWORDS.some((keyword) => keyword in value);
      if (!defines) {
        problems.push(
          `property ${JSON.stringify(key)} is not in the document (${where}), so this action would ` +
            "re-create it: the vendor removed or renamed it. Move the refinement to the new name or drop it " +
            "(a property payclients adds must say its type)",
        );
        continue;
      }
    }
    if (isObject(current) && isObject(value)) {
      mergeInto(current, value, key === "properties" && !isProperties, `${where}.${key}`, problems);
    } else target[key] = structuredClone(value);
  }
}

/** @param {unknown} document */
function provenanceOf(document) {
  const info = isObject(document) ? document.info : undefined;
  return isObject(info) ? info["x-provenance"] : undefined;
}

/**
 * Applies every action of an overlay to `document`, in order. Every problem is collected and
 * reported in one OverlayError (a target that no longer exists, a removed property an update would
 * re-create, provenance that does not match the document), so one run shows all the work a vendor
 * update needs.
 * @param {Record<string, unknown>} document
 * @param {{ overlay?: unknown, actions?: unknown }} overlay
 */
export function applyOverlay(document, overlay) {
  if (overlay.overlay !== "1.0.0") throw new OverlayError(`overlay: version must be "1.0.0"`);
  if (!Array.isArray(overlay.actions)) throw new OverlayError("overlay: actions must be an array");
  const info = isObject(document.info) ? document.info : {};
  const vendorVersion = info.version;
  const provenanceBefore = JSON.stringify(provenanceOf(document));
  /** @type {string[]} */
  const problems = [];
  overlay.actions.forEach((/** @type {OverlayAction} */ action, index) => {
    const label = `actions[${index}] (${action.target})`;
    if (typeof action.description !== "string" || action.description.trim() === "") {
      problems.push(`${label}: description (the reason for the addition) is required`);
      return;
    }
    let segments;
    try {
      segments = parseTarget(action.target);
    } catch (error) {
      problems.push(/** @type {Error} */ (error).message);
      return;
    }
    /** @type {unknown} */
    let parent;
    /** @type {unknown} */
    let node = document;
    for (const segment of segments) {
      parent = node;
      node = /** @type {Record<string | number, unknown>} */ (node)?.[segment];
      if (node === undefined) {
        problems.push(`${label}: target does not exist`);
        return;
      }
    }
    if (action.remove === true) {
      const last = segments.at(-1);
      if (last === undefined) {
        problems.push(`${label}: cannot remove the root`);
        return;
      }
      if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
      else delete (/** @type {Record<string, unknown>} */ (parent)[String(last)]);
      return;
    }
    if (Array.isArray(node)) {
      node.push(structuredClone(action.update));
    } else if (isObject(node) && isObject(action.update)) {
      /** @type {string[]} */
      const found = [];
      mergeInto(node, action.update, segments.at(-1) === "properties", action.target, found);
      for (const problem of found) problems.push(`${label}: ${problem}`);
    } else {
      problems.push(
        `${label}: update must be an object merged into an object, or a value appended to an array`,
      );
    }
  });
  const provenance = provenanceOf(document);
  // Provenance set by the overlay describes the vendor file beside it (which is never edited).
  if (isObject(provenance) && JSON.stringify(provenance) !== provenanceBefore) {
    if (provenance.version !== vendorVersion) {
      problems.push(
        `info.x-provenance.version is ${JSON.stringify(provenance.version)} but the vendor document's ` +
          `info.version is ${JSON.stringify(vendorVersion)}: record the version taken in (npm run spec:import does)`,
      );
    }
  }
  if (problems.length === 1) throw new OverlayError(problems[0] ?? "");
  if (problems.length > 1) {
    throw new OverlayError(
      `${problems.length} problems:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
  }
}
