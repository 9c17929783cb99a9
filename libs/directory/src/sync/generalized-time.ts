/** Date.UTC, but without its reading of years 0–99 as 1900–1999 (ppolicy's 000001010000Z is year 0). */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date;
}

// RFC 4517 §3.3.13: YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|(+|-)HH[MM]); the fraction belongs to the last unit given.
const GENERALIZED_TIME =
  /^(\d{4})(\d{2})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2}))?)?(?:[.,](\d+))?(?:(Z)|([+-])(\d{2})(\d{2})?)$/;

/** An LDAP generalized time (e.g. a modifyTimestamp) as a Date; undefined when the text is not one. */
export function parseGeneralizedTime(text: string): Date | undefined {
  const match = GENERALIZED_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHours, offsetMinutes] = match;
  const fields = [year, month, day, hour].map(Number) as [number, number, number, number];
  const [y, mo, d, h] = fields;
  if (mo < 1 || mo > 12 || d < 1 || h > 23) return undefined;
  // Reject 20260231…: it would roll over into March.
  if (utc(y, mo, d).getUTCDate() !== d) return undefined;
  const min = minute === undefined ? 0 : Number(minute);
  const sec = second === undefined ? 0 : Number(second);
  if (min > 59 || sec > 60) return undefined;
  // The fraction is of the hour, the minute or the second, whichever was given last.
  const unitMs = second !== undefined ? 1000 : minute !== undefined ? 60_000 : 3_600_000;
  const fractionMs = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * unitMs);
  let ms = utc(y, mo, d, h, min, Math.min(sec, 59)).getTime() + fractionMs;
  if (zulu === undefined) {
    const offset = (Number(offsetHours) * 60 + Number(offsetMinutes ?? 0)) * 60_000;
    // 20260101120000+0200 is 10:00 UTC.
    ms += sign === '+' ? -offset : offset;
  }
  return new Date(ms);
}

/** A Date as a generalized time in UTC to the second, truncated (never later than the instant): `20261101093005Z`. */
export function formatGeneralizedTime(date: Date): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return (
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds()) +
    'Z'
  );
}
