const GUID_PATTERN = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;

function reversedHex(bytes: Buffer, start: number, end: number): string {
  return Buffer.from(bytes.subarray(start, end)).reverse().toString('hex');
}

/**
 * An AD objectGUID (16 bytes as LDAP returns them) in the canonical Windows string form, lower case:
 * the first three groups are little-endian (byte-swapped), the last two are in byte order.
 * `33 22 11 00 55 44 77 66 88 99 aa bb cc dd ee ff` → `00112233-4455-6677-8899-aabbccddeeff`.
 */
export function objectGuidToString(bytes: Buffer): string {
  if (bytes.length !== 16) throw new RangeError(`an objectGUID has 16 bytes, not ${bytes.length}`);
  return [
    reversedHex(bytes, 0, 4),
    reversedHex(bytes, 4, 6),
    reversedHex(bytes, 6, 8),
    bytes.subarray(8, 10).toString('hex'),
    bytes.subarray(10, 16).toString('hex'),
  ].join('-');
}

/** The 16 bytes of an objectGUID from its Windows string form (with or without braces, any case); for filters. */
export function objectGuidToBytes(guid: string): Buffer {
  const groups = GUID_PATTERN.exec(guid.trim());
  if (!groups) throw new RangeError('not a GUID string');
  const [, a, b, c, d, e] = groups as unknown as [string, string, string, string, string, string];
  return Buffer.concat([
    Buffer.from(a, 'hex').reverse(),
    Buffer.from(b, 'hex').reverse(),
    Buffer.from(c, 'hex').reverse(),
    Buffer.from(d, 'hex'),
    Buffer.from(e, 'hex'),
  ]);
}
