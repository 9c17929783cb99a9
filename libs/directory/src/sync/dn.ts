/** One attribute=value pair of a DN, the value unescaped (RFC 4514). Multi-valued RDNs keep their `+` parts in order. */
export interface Rdn {
  type: string;
  value: string;
}

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

/**
 * Splits an RFC 4514 DN string into RDNs and unescapes the values (`\,`, `\2C`, UTF-8 hex pairs). Returns undefined
 * for a string that is not a DN. Enough to compare DNs and read their `dc=` parts, not a full validator.
 */
export function parseDn(dn: string): Rdn[][] | undefined {
  if (dn.trim() === '') return [];
  const rdns: Rdn[][] = [];
  let current: Rdn[] = [];
  let type = '';
  let bytes: number[] = [];
  let inValue = false;
  const text = Buffer.from(dn, 'utf8');
  const finishPair = (): boolean => {
    if (!inValue || type.trim() === '') return false;
    current.push({ type: type.trim(), value: Buffer.from(bytes).toString('utf8').trim() });
    type = '';
    bytes = [];
    inValue = false;
    return true;
  };
  for (let i = 0; i < text.length; i++) {
    const byte = text[i] as number;
    const char = String.fromCharCode(byte);
    if (!inValue) {
      if (char === '=') inValue = true;
      else if (char === ',' || char === '+') return undefined;
      else type += char;
      continue;
    }
    if (char === '\\') {
      const pair = text.subarray(i + 1, i + 3).toString('latin1');
      if (HEX_PAIR.test(pair)) {
        bytes.push(parseInt(pair, 16));
        i += 2;
      } else if (i + 1 < text.length) {
        bytes.push(text[i + 1] as number);
        i += 1;
      } else {
        return undefined;
      }
      continue;
    }
    if (char === ',' || char === ';') {
      if (!finishPair()) return undefined;
      rdns.push(current);
      current = [];
    } else if (char === '+') {
      if (!finishPair()) return undefined;
    } else {
      bytes.push(byte);
    }
  }
  if (!finishPair()) return undefined;
  rdns.push(current);
  return rdns;
}

function rdnKey(rdn: Rdn[]): string {
  return rdn
    .map(({ type, value }) => `${type.toLowerCase()}=${value.toLowerCase()}`)
    .sort()
    .join('+');
}

/** True when `dn` is `base` or below it; attribute types and values compared without case, as AD and slapd do for names. */
export function isDnWithin(dn: string, base: string): boolean {
  const entry = parseDn(dn);
  const root = parseDn(base);
  if (!entry || !root || root.length > entry.length) return false;
  const offset = entry.length - root.length;
  return root.every((rdn, index) => rdnKey(rdn) === rdnKey(entry[offset + index] as Rdn[]));
}

/** The DNS domain named by a DN's `dc=` components (dc=example,dc=test → example.test); undefined when it has none. */
export function dnsDomainOf(dn: string): string | undefined {
  const labels = (parseDn(dn) ?? [])
    .filter((rdn) => rdn.length === 1 && rdn[0]?.type.toLowerCase() === 'dc')
    .map((rdn) => rdn[0]?.value ?? '');
  return labels.length > 0 && labels.every((label) => label !== '') ? labels.join('.').toLowerCase() : undefined;
}

/** The value of the first RDN when it is of the given attribute type (uid=alice,ou=people → alice). */
export function leadingRdnValue(dn: string, type: string): string | undefined {
  const first = parseDn(dn)?.[0];
  if (!first || first.length !== 1 || first[0]?.type.toLowerCase() !== type.toLowerCase()) return undefined;
  return first[0].value;
}
