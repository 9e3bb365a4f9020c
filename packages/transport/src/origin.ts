// The check of a browser's Origin header against an allow-list.
/**
 * Decides whether a browser `Origin` may connect. Built once from an allow-list of exact origins
 * (`https://app.example.com`), wildcard hosts (`*.example.com`, matching any subdomain on any scheme and
 * port), or `*` for any origin. A request without an Origin header (not from a browser) is allowed.
 *
 * @example
 * ```ts
 * const allowed = createOriginCheck(['https://app.example.com', '*.example.org']);
 * allowed('https://app.example.com');  // true
 * allowed('https://eu.example.org');   // true
 * allowed('https://evil.example.net'); // false
 * ```
 */
export function createOriginCheck(allowList: readonly string[]): (origin: string | undefined) => boolean {
  if (allowList.includes('*')) return () => true;
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of allowList) {
    const lowered = entry.toLowerCase();
    if (lowered.startsWith('*.')) suffixes.push(lowered.slice(1));
    else exact.add(lowered.endsWith('/') ? lowered.slice(0, -1) : lowered);
  }
  return (origin) => {
    if (origin === undefined) return true;
    const lowered = origin.toLowerCase();
    if (exact.has(lowered)) return true;
    if (suffixes.length === 0) return false;
    const host = hostOf(lowered);
    if (host === undefined) return false;
    for (const suffix of suffixes) if (host.endsWith(suffix)) return true;
    return false;
  };
}

/** The host of an origin (`scheme://host[:port]`), or undefined when it is not one. */
function hostOf(origin: string): string | undefined {
  const schemeEnd = origin.indexOf('://');
  if (schemeEnd === -1) return undefined;
  const rest = origin.slice(schemeEnd + 3);
  const portStart = rest.lastIndexOf(':');
  const host = portStart === -1 || rest.endsWith(']') ? rest : rest.slice(0, portStart);
  return host.length > 0 ? host : undefined;
}
