/**
 * Times as users type them for schedules: an interval (`30s`, `10m`, `2h`, `1d`, `1w`) and a moment (`09:30`, the
 * next time the clock shows it, or a date and time: `2026-12-24 18:00`, local time without an offset).
 *
 * @example
 * ```ts
 * parseInterval("10m", "--every"); // 600000
 * parseMoment("09:30", "--at", new Date("2026-12-02T10:00:00")); // 2026-12-03 09:30 local time
 * ```
 */
import { EXIT, PaiError } from "./errors.ts";

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The longest interval a schedule takes: a year. */
const MAX_INTERVAL_MS = 366 * UNIT_MS.d;

/** An interval in milliseconds: a whole number and a unit (s, m, h, d, w), at most a year. */
export function parseInterval(text: string, flag: string): number {
  const match = text.trim().match(/^(\d+)\s*([smhdw])$/);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]] : 0;
  if (!(ms > 0) || ms > MAX_INTERVAL_MS) {
    throw new PaiError(
      `Invalid ${flag} "${text}": use a whole number and a unit, such as 30s, 10m, 2h, 1d or 1w (a year at most)`,
      { exitCode: EXIT.USAGE },
    );
  }
  return ms;
}

/**
 * A moment to come (epoch ms): `HH:MM` is its next time from `now`; a date and time without an offset is local time.
 * A date that does not exist (2026-02-30) or a moment that has passed is refused, saying so.
 */
export function parseMoment(text: string, flag: string, now = new Date()): number {
  const input = text.trim();
  const clock = input.match(/^(\d{1,2}):(\d{2})$/);
  if (clock && Number(clock[1]) < 24 && Number(clock[2]) < 60) {
    const at = new Date(now);
    at.setHours(Number(clock[1]), Number(clock[2]), 0, 0);
    if (at.getTime() <= now.getTime()) at.setDate(at.getDate() + 1);
    return at.getTime();
  }
  const parts = input.match(/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i);
  if (parts) {
    const at = new Date(input.replace(" ", "T").replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
    // The Date constructor rolls 2026-02-30 over to March: a day the calendar does not have is refused.
    const [y, m, d] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
    const day = new Date(Date.UTC(y, m - 1, d));
    const real = day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
    if (real && !Number.isNaN(at.getTime()) && Number(parts[4]) < 24 && Number(parts[5]) < 60) {
      if (at.getTime() <= now.getTime()) {
        throw new PaiError(`${flag} "${text}" has passed (it is ${localTime(now)} now)`, {
          exitCode: EXIT.USAGE,
          hint: "Give a time to come; leave the flag out to run the task now",
        });
      }
      return at.getTime();
    }
  }
  throw new PaiError(
    `Invalid ${flag} "${text}": use a time of day (09:30, the next time it comes) or a date and time ` +
      `(2026-12-24 18:00, local time; or an ISO time with its offset)`,
    { exitCode: EXIT.USAGE },
  );
}

/** An interval as {@linkcode parseInterval} reads it: in the largest unit that divides it (`3600000` is `1h`). */
export function formatInterval(ms: number): string {
  for (const unit of ["w", "d", "h", "m", "s"]) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms / 1000}s`;
}

/** A moment as PAI shows it: local date and time to the second, `2026-12-02 09:30:05`. */
export function localTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ` +
    `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}
