import { Filter } from 'ldapts';

/** Escapes a value for an RFC 4515 filter assertion: `*`, `(`, `)`, `\` and NUL become `\XX`. */
export function escapeFilterValue(value: string): string {
  return Filter.escape(value);
}

/**
 * Escapes an attribute value for one RDN of an RFC 4514 DN string.
 *
 * Not ldapts' RDN: its escaper is private and quotes values with leading or trailing spaces, an RFC 1779
 * form that RFC 4514 dropped; it also leaves a leading `#` and NUL unescaped.
 */
export function escapeDnValue(value: string): string {
  const chars = [...value];
  let out = '';
  for (const [index, char] of chars.entries()) {
    const first = index === 0;
    const last = index === chars.length - 1;
    if (char === '\0') out += '\\00';
    else if ('"+,;<>\\'.includes(char)) out += `\\${char}`;
    else if (first && (char === ' ' || char === '#')) out += `\\${char}`;
    else if (last && char === ' ') out += '\\ ';
    else out += char;
  }
  return out;
}
