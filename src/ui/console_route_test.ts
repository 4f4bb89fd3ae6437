import assert from "node:assert/strict";
import { type ConsoleLike, routeConsole } from "./console_route.ts";

function fakeConsole(): ConsoleLike & { raw: string[] } {
  const raw: string[] = [];
  const keep = (...args: unknown[]) => void raw.push(args.join(" "));
  return { raw, log: keep, info: keep, warn: keep, error: keep, debug: keep, trace: keep };
}

Deno.test("routeConsole() sends what a dependency warns to PAI's own line, once per process", () => {
  const target = fakeConsole();
  const said: string[] = [];
  routeConsole(target, (text) => said.push(text));
  const warning = "The model 'claude-sonnet-4-5' is deprecated and will reach end-of-life on November 30th, 2026\n" +
    "Please migrate to a newer model. Visit https://docs.anthropic.com/en/docs/resources/model-deprecations for more " +
    "information.";
  for (let turn = 0; turn < 3; turn++) target.warn(warning);
  assert.deepEqual(said, [
    "The model 'claude-sonnet-4-5' is deprecated and will reach end-of-life on November 30th, 2026. Please migrate " +
    "to a newer model. Visit https://docs.anthropic.com/en/docs/resources/model-deprecations for more information.",
  ]);
  assert.deepEqual(target.raw, [], "nothing reaches the terminal by the dependency's own path");
});

Deno.test("routeConsole() routes log, info and error too (a stray console.log would corrupt an answer on stdout)", () => {
  const target = fakeConsole();
  const said: string[] = [];
  routeConsole(target, (text) => said.push(text));
  target.log("CSS Parse Error:", { at: 3 });
  target.info("  padded  ");
  target.error(new Error("boom"));
  target.warn("");
  assert.deepEqual(said, ["CSS Parse Error: { at: 3 }", "padded", "boom"]);
});

Deno.test("routeConsole() drops debug and trace output, which is for a dependency's developers", () => {
  const target = fakeConsole();
  const said: string[] = [];
  routeConsole(target, (text) => said.push(text));
  target.debug("request body", { messages: ["secret prompt"] });
  target.trace("here");
  assert.deepEqual(said, []);
  assert.deepEqual(target.raw, []);
});
