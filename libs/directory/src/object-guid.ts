/**
 * Active Directory's objectGUID is 16 bytes on the wire. Its canonical string form is Windows' mixed-endian one
 * (what PowerShell and Entra Connect print): the first three groups are the little-endian Data1 (4 bytes),
 * Data2 and Data3 (2 bytes each), the last two are the remaining 8 bytes in wire order.
 */
const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Wire byte index for each byte of the string form, in the order the string prints them. */
const STRING_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

/** The 16 bytes of an objectGUID as the canonical lower-case string, e.g. `9c2e0d1a-…`. */
export function objectGuidToString(bytes: Buffer): string {
  if (bytes.length !== 16) throw new RangeError(`an objectGUID has 16 bytes, not ${bytes.length}`);
  const hex = STRING_ORDER.map((index) => bytes[index]!.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** True for a GUID string in the canonical form (any case). */
export function isObjectGuidString(value: string): boolean {
  return GUID_PATTERN.test(value.toLowerCase());
}

/** The 16 wire bytes of an objectGUID string (any case); throws RangeError for anything else. */
export function objectGuidFromString(value: string): Buffer {
  const lower = value.toLowerCase();
  if (!GUID_PATTERN.test(lower)) throw new RangeError('not a GUID in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx');
  const printed = Buffer.from(lower.replaceAll('-', ''), 'hex');
  const bytes = Buffer.alloc(16);
  STRING_ORDER.forEach((wireIndex, printedIndex) => {
    bytes[wireIndex] = printed[printedIndex]!;
  });
  return bytes;
}
