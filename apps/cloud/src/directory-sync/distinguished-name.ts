/** Characters RFC 4514 escapes anywhere in a value. */
const SPECIAL = new Set(['"', '+', ',', ';', '<', '>', '\\', '=']);
const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

interface Char {
  value: string;
  escaped: boolean;
}

/** An attribute type or value: its characters with whether each was escaped (an escaped space is not trimmed). */
function trimmed(chars: Char[]): Char[] {
  let start = 0;
  let end = chars.length;
  while (start < end && !chars[start]!.escaped && chars[start]!.value === ' ') start++;
  while (end > start && !chars[end - 1]!.escaped && chars[end - 1]!.value === ' ') end--;
  return chars.slice(start, end);
}

function escapeValue(value: string): string {
  let out = '';
  [...value].forEach((c, i, all) => {
    if (SPECIAL.has(c)) out += `\\${c}`;
    else if (c === '\0') out += '\\00';
    else if ((c === ' ' || c === '#') && i === 0) out += `\\${c}`;
    else if (c === ' ' && i === all.length - 1) out += '\\ ';
    else out += c;
  });
  return out;
}

/**
 * Parses a DN into RDNs of [type, value] pairs, undoing escapes (`\,` and `\2C` alike, hex escapes as
 * UTF-8). Undefined when it is not a DN.
 */
function parse(dn: string): [string, string][][] | undefined {
  const rdns: [string, string][][] = [];
  let rdn: [string, string][] = [];
  let type: Char[] | undefined;
  let current: Char[] = [];
  let pendingBytes: number[] = [];
  const flushBytes = () => {
    if (pendingBytes.length === 0) return;
    for (const c of Buffer.from(pendingBytes).toString('utf8')) current.push({ value: c, escaped: true });
    pendingBytes = [];
  };
  const endAva = (): boolean => {
    flushBytes();
    if (!type) return false;
    const name = trimmed(type)
      .map((c) => c.value)
      .join('');
    if (!name) return false;
    rdn.push([
      name,
      trimmed(current)
        .map((c) => c.value)
        .join(''),
    ]);
    type = undefined;
    current = [];
    return true;
  };

  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === '\\') {
      const hex = dn.slice(i + 1, i + 3);
      if (HEX_PAIR.test(hex)) {
        pendingBytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
      const next = dn[i + 1];
      if (next === undefined) return undefined;
      flushBytes();
      current.push({ value: next, escaped: true });
      i += 1;
      continue;
    }
    flushBytes();
    if (c === '=' && !type) {
      type = current;
      current = [];
    } else if (c === '+') {
      if (!endAva()) return undefined;
    } else if (c === ',' || c === ';') {
      if (!endAva()) return undefined;
      rdns.push(rdn);
      rdn = [];
    } else {
      current.push({ value: c, escaped: false });
    }
  }
  if (!endAva()) return undefined;
  rdns.push(rdn);
  return rdns;
}

/**
 * One spelling per DN, so that a group's member DNs match the DNs of the users and groups they name:
 * lower case (the naming attributes in use — cn, uid, ou, dc — compare case-insensitively), no spaces
 * around separators, escapes undone and redone one way, the AVAs of a multi-valued RDN sorted. A string
 * that does not parse as a DN is only trimmed and lower-cased.
 */
export function normalizeDn(dn: string): string {
  const rdns = parse(dn);
  if (!rdns) return dn.trim().toLowerCase();
  return rdns
    .map((rdn) =>
      rdn
        .map(([type, value]) => `${type.toLowerCase()}=${escapeValue(value.toLowerCase())}`)
        .sort()
        .join('+'),
    )
    .join(',');
}
