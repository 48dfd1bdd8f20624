/** The fields of package.json that name the files a consumer can load. */
export interface PackageEntryPoints {
  readonly exports: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly types: string;
  readonly main: string;
}

/** Every file package.json's `exports` conditions, `types` and `main` point at, e.g. "dist/src/index.js". */
export function exportTargets(pkg: PackageEntryPoints): string[] {
  const targets = [pkg.types, pkg.main];
  for (const entry of Object.values(pkg.exports)) {
    targets.push(...(typeof entry === "string" ? [entry] : Object.values(entry)));
  }
  return targets.map((target) => target.replace(/^\.\//, ""));
}
