/** The fields of package.json that name the files a consumer can load. */
export interface PackageEntryPoints {
  readonly exports: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly types: string;
  readonly main: string;
  readonly bin?: Readonly<Record<string, string>>;
}

/** Every file package.json's `exports` conditions, `types`, `main` and `bin` point at, e.g. "dist/src/index.js". */
export function exportTargets(pkg: PackageEntryPoints): string[] {
  const targets = [pkg.types, pkg.main, ...Object.values(pkg.bin ?? {})];
  for (const entry of Object.values(pkg.exports)) {
    targets.push(...(typeof entry === "string" ? [entry] : Object.values(entry)));
  }
  return targets.map((target) => target.replace(/^\.\//, ""));
}
