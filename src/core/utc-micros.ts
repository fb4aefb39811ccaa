// UTC microsecond instants of any size a Parquet int64 can hold, for code that keeps times as JS numbers.
//
// The design (issue 10, "any time a Parquet file can hold"):
// - Stored times stay exact where they are stored: the oplog's and every version's Parquet int64 columns.
// - In memory (OplogEntry, NodeInfo, DescribeInfo, plot ranges) times are JS numbers. Every integer below 2^53 µs
//   (the years 1685-2255) is exact; beyond, a number is the nearest double, a multiple of 2^k µs (32 µs in the
//   year 9999, 1024 µs near 2^63). Whole seconds stay exact up to the year ~20 000 and whole milliseconds up to
//   ~4254, so real data keeps its exact times; sub-second times far out may move by a few µs.
// - Event-time *bounds* (a version's min/max) are rounded outward, so a bound never excludes a row it holds:
//   `numberAtOrBelow` for a min, `numberAtOrAbove` for a max. Bounds are clamped to [-2^63, 2^63 - 1024], the
//   numbers an int64 column can take back without wrapping (2^63 itself would wrap to -2^63).
// - Text never throws: `isoFromMicros` writes any integer as ISO 8601 in the form of Date#toISOString (expanded
//   ±YYYYYY years outside 0000-9999), computed on whole days, so 9.2e18 µs (the year ~293 000, far past Date's
//   ±8.64e15 ms) shows as its real date rather than "Invalid time value". Nothing needs clamping for display.

const TWO_63 = 2 ** 63;
/** The smallest number an int64 column holds exactly (-2^63). */
export const MIN_US_NUMBER = -TWO_63;
/** The largest number below 2^63: the largest an int64 column can take back from a number without wrapping. */
export const MAX_US_NUMBER = TWO_63 - 1024;

const US_PER_DAY = 86_400_000_000n;

const clampBound = (n: number) => Math.min(MAX_US_NUMBER, Math.max(MIN_US_NUMBER, n));

/** The largest number ≤ `v` (clamped to the int64-safe numbers): a lower bound that keeps every value ≥ v. */
export function numberAtOrBelow(v: bigint): number {
  let n = Number(v); // the nearest double, which may lie above v
  if (BigInt(n) > v) n = nextDown(n);
  return clampBound(n);
}

/** The smallest number ≥ `v` (clamped to the int64-safe numbers): an upper bound that keeps every value ≤ v. */
export function numberAtOrAbove(v: bigint): number {
  let n = Number(v);
  if (BigInt(n) < v) n = nextUp(n);
  return clampBound(n);
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The next double above a finite `x` (bit arithmetic: the IEEE order of positive doubles is their bit order). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  u64[0] = x > 0 ? u64[0]! + 1n : u64[0]! - 1n;
  return f64[0];
}

function nextDown(x: number): number {
  return -nextUp(-x);
}

/**
 * The end of the half-open range that just includes the integer time `us`: `us + 1` where that is exact, else
 * the next number up (adding 1 to 2.5e17 gives 2.5e17 back, and a plot would lose its last row).
 */
export function nextMicros(us: number): number {
  return Math.abs(us) < 2 ** 53 ? us + 1 : nextUp(us);
}

/** Whole days since 1970-01-01 → proleptic Gregorian year, month (1-12), day (H. Hinnant's civil_from_days). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Proleptic Gregorian date → whole days since 1970-01-01; months past 12 and days past the month's end roll over. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y0 = year + Math.floor((month - 1) / 12);
  const m = (((month - 1) % 12) + 12) % 12 + 1;
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/**
 * UTC µs of midnight at the start of a proleptic Gregorian date (Date.UTC would read the years 0-99 as 1900-1999,
 * and fails past ±275 760). Exact as a number for every date an int64 µs time can hold (days × 86 400 000 000 is
 * a multiple of 2^11 times a product below 2^53).
 */
export function microsOfDate(year: number, month: number, day: number): number {
  return daysFromCivil(year, month, day) * 86_400_000_000;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A year as toISOString writes it: four digits for 0000-9999, else a sign and six digits. */
function isoYear(y: number): string {
  return y >= 0 && y <= 9999 ? pad(y, 4) : `${y < 0 ? '-' : '+'}${pad(Math.abs(y), 6)}`;
}

/**
 * UTC µs → `YYYY-MM-DDTHH:MM:SS[.fff[fff]]Z`, for any integer (bigint, or a number, floored when fractional);
 * `fractionDigits` 0, 3 (toISOString's form, the default) or 6. A number that is not finite gives `invalid time (x)`:
 * text for a person, never an exception.
 */
export function isoFromMicros(us: bigint | number, fractionDigits: 0 | 3 | 6 = 3): string {
  if (typeof us === 'number' && !Number.isFinite(us)) return `invalid time (${us})`;
  const v = typeof us === 'bigint' ? us : BigInt(Math.floor(us));
  let days = v / US_PER_DAY;
  let rest = v % US_PER_DAY;
  if (rest < 0n) { rest += US_PER_DAY; days -= 1n; }
  const { year, month, day } = civilFromDays(Number(days));
  const micros = Number(rest); // < 8.64e10: exact
  const secs = Math.floor(micros / 1e6);
  const clock = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  const fraction = fractionDigits === 0 ? '' : `.${pad(micros % 1e6, 6).slice(0, fractionDigits)}`;
  return `${isoYear(year)}-${pad(month, 2)}-${pad(day, 2)}T${clock}${fraction}Z`;
}

/**
 * Epoch milliseconds as Arrow hands TIMESTAMP cells over (a number, fractional for µs) → ISO 8601 like
 * toISOString, also outside Date's ±8.64e15 ms where toISOString throws.
 */
export function isoFromMillis(ms: number, fractionDigits: 0 | 3 | 6 = 3): string {
  if (!Number.isFinite(ms)) return `invalid time (${ms})`;
  // Rounded, not floored: Arrow's whole-µs values come as ms + µs / 1000, which need not scale back exactly.
  return isoFromMicros(Math.round(ms * 1000), fractionDigits);
}
