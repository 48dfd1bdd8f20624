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

/**
 * Merges `update` into `target`: objects merge key by key, anything else replaces.
 * @param {Record<string, unknown>} target
 * @param {Record<string, unknown>} update
 */
function mergeInto(target, update) {
  for (const [key, value] of Object.entries(update)) {
    const current = target[key];
    if (isObject(current) && isObject(value)) mergeInto(current, value);
    else target[key] = structuredClone(value);
  }
}

/**
 * Applies every action of an overlay to `document`, in order; each target must exist.
 * @param {Record<string, unknown>} document
 * @param {{ overlay?: unknown, actions?: unknown }} overlay
 */
export function applyOverlay(document, overlay) {
  if (overlay.overlay !== "1.0.0") throw new OverlayError(`overlay: version must be "1.0.0"`);
  if (!Array.isArray(overlay.actions)) throw new OverlayError("overlay: actions must be an array");
  overlay.actions.forEach((/** @type {OverlayAction} */ action, index) => {
    const label = `actions[${index}] (${action.target})`;
    if (typeof action.description !== "string" || action.description.trim() === "") {
      throw new OverlayError(`${label}: description (the reason for the addition) is required`);
    }
    const segments = parseTarget(action.target);
    /** @type {unknown} */
    let parent;
    /** @type {unknown} */
    let node = document;
    for (const segment of segments) {
      parent = node;
      node = /** @type {Record<string | number, unknown>} */ (node)?.[segment];
      if (node === undefined) throw new OverlayError(`${label}: target does not exist`);
    }
    if (action.remove === true) {
      const last = segments.at(-1);
      if (last === undefined) throw new OverlayError(`${label}: cannot remove the root`);
      if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
      else delete (/** @type {Record<string, unknown>} */ (parent)[String(last)]);
      return;
    }
    if (Array.isArray(node)) {
      node.push(structuredClone(action.update));
    } else if (isObject(node) && isObject(action.update)) {
      mergeInto(node, action.update);
    } else {
      throw new OverlayError(
        `${label}: update must be an object merged into an object, or a value appended to an array`,
      );
    }
  });
}
