import assert from "node:assert/strict";
import { formatInterval, parseInterval, parseMoment } from "./durations.ts";

Deno.test("an interval is a whole number and a unit; anything else is a usage error naming the flag", () => {
  assert.equal(parseInterval("30s", "--every"), 30_000);
  assert.equal(parseInterval("10m", "--every"), 600_000);
  assert.equal(parseInterval("2 h", "--every"), 7_200_000);
  assert.equal(parseInterval("1w", "--every"), 604_800_000);
  for (const text of ["30s", "10m", "2h", "1d", "1w", "90s", "36h"]) {
    assert.equal(formatInterval(parseInterval(text, "--every")), text);
  }
  for (const bad of ["0s", "10", "1.5h", "ten minutes", "-5m", "99999999999999999999w", "53w"]) {
    assert.throws(() => parseInterval(bad, "--every"), /^PaiError: Invalid --every/);
  }
});

Deno.test("a moment: HH:MM is its next time (tomorrow once passed); a date and time is local without an offset", () => {
  const now = new Date(2026, 11, 2, 10, 0);
  assert.equal(parseMoment("11:15", "--at", now), new Date(2026, 11, 2, 11, 15).getTime());
  assert.equal(parseMoment("09:30", "--at", now), new Date(2026, 11, 3, 9, 30).getTime());
  assert.equal(parseMoment("10:00", "--at", now), new Date(2026, 11, 3, 10, 0).getTime(), "now itself has passed");
  assert.equal(parseMoment("2026-12-24 18:00", "--at", now), new Date(2026, 11, 24, 18, 0).getTime());
  assert.equal(parseMoment("2026-12-24T18:00:00Z", "--at", now), Date.UTC(2026, 11, 24, 18, 0));
  for (const bad of ["25:00", "9.30", "tomorrow", "2026-13-45 10:00", "2026-02-30 10:00", "2027-01-01 24:30"]) {
    assert.throws(() => parseMoment(bad, "--at", now), /^PaiError: Invalid --at/);
  }
  assert.throws(() => parseMoment("2020-01-01 00:00", "--at", now), /^PaiError: --at "2020-01-01 00:00" has passed/);
});
