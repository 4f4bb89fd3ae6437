import assert from "node:assert/strict";
import { z } from "zod";
import { EXIT, PaiError } from "../core/errors.ts";
import { PROFILES } from "../modes/profiles.ts";
import {
  COUNT_WORDS,
  countWordsSpec,
  testRegistry,
  testToolManager,
  TOOLS_FOLDER,
} from "../../tests/helpers/tool_manager.ts";
import type { RuntimeToolSpec } from "./runtime_tool.ts";
import { argumentIssues } from "./manifest.ts";

const OFFER_TOOLS = new URL("../../tests/fixtures/offer_tools.ts", import.meta.url).pathname;
const CHECK_TOOL_CALL = new URL("../../tests/fixtures/check_tool_call.ts", import.meta.url).pathname;

/** Asserts that registering `spec` is refused with a PaiError (a config error) whose message matches `message`. */
async function refused(spec: unknown, message: RegExp, registry = testRegistry()): Promise<void> {
  await assert.rejects(registry.register(spec as RuntimeToolSpec), (error) => {
    assert.ok(error instanceof PaiError);
    assert.equal(error.exitCode, EXIT.CONFIG);
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("register() adds a tool beside the built-ins, found by name with its own schema and program", async () => {
  const registry = testRegistry();
  await registry.register(countWordsSpec());
  const definition = registry.definitions().find((d) => d.name === "word_count");
  assert.deepEqual(definition, {
    name: "word_count",
    description: "Count the words of a text file.",
    parameters: countWordsSpec().schema,
    offer: { access: "read", network: false, reach: "defaults", workingMemory: false },
  });
  const tool = (await registry.find("word_count"))!;
  const issues = (args: unknown) => argumentIssues(tool, registry.parameters("word_count"), args);
  assert.deepEqual(issues({ path: "a.txt" }), []);
  assert.deepEqual(issues({ path: "a.txt", more: 1 }), [{ path: "more", message: "is not an argument of this tool" }]);
  assert.equal(registry.program(tool), await Deno.realPath(COUNT_WORDS));
  assert.deepEqual(registry.programFolders(), [await Deno.realPath(new URL("../../tests/fixtures", import.meta.url))]);
  const builtIn = (await registry.find("fs_read"))!;
  assert.equal(registry.program(builtIn), `${TOOLS_FOLDER}/fs_read.ts`);
  assert.equal(await registry.find("no_such_tool"), undefined);
});

Deno.test("register() takes a zod schema and shows the model its JSON Schema", async () => {
  const registry = testRegistry();
  await registry.register(countWordsSpec({ schema: z.strictObject({ path: z.string().min(1) }) }));
  const { parameters } = registry.definitions().find((d) => d.name === "word_count")!;
  assert.deepEqual(parameters.required, ["path"]);
  assert.equal(parameters.additionalProperties, false);
});

Deno.test("a tool added at run time never replaces a built-in, an internal one included, nor another added one", async () => {
  const registry = testRegistry();
  await refused(countWordsSpec({ name: "fs_read" }), /^Cannot register tool "fs_read": a built-in tool has that name/);
  await refused(countWordsSpec({ name: "fs_delete" }), /"fs_delete": a built-in tool has that name/);
  await registry.register(countWordsSpec());
  await refused(countWordsSpec(), /"word_count": a tool of that name is already registered/, registry);
  const [first, second] = await Promise.allSettled([
    registry.register(countWordsSpec({ name: "twice" })),
    registry.register(countWordsSpec({ name: "twice" })),
  ]);
  assert.deepEqual([first.status, second.status], ["fulfilled", "rejected"]);
  assert.equal(registry.definitions().filter((d) => d.name === "twice").length, 1);
});

Deno.test("register() refuses a name a model cannot be given, or one of PAI's resource or memory tools would have", async () => {
  for (const name of ["word count", "", "a".repeat(65), "wörter", "count.words", "x\u001b[2J"]) {
    await refused(countWordsSpec({ name }), /: name must match \^\[a-zA-Z0-9_-\]\{1,64\}\$/);
  }
  await refused(countWordsSpec({ name: "x\u001b[2J" }), /^Cannot register tool "x\\u001b\[2J"/);
  await refused(countWordsSpec({ name: "resource_grep" }), /name must not start with "resource_"/);
  await refused(countWordsSpec({ name: "memory_wipe" }), /name must not start with "resource_" or "memory_"/);
  await testRegistry().register(countWordsSpec({ name: "A-z_0-9".padEnd(64, "x") }));
});

Deno.test("register() checks the manifest and names everything that is wrong with it", async () => {
  const { needs: _, ...noTemplate } = countWordsSpec();
  await refused(noTemplate, /"word_count": needs must be a function/);
  await refused({ ...countWordsSpec(), access: "sometimes" }, /access Invalid option/);
  await refused(countWordsSpec({ access: "either" }), /readOnly is needed exactly when access is "either"/);
  await refused(countWordsSpec({ readOnly: () => true }), /readOnly is needed exactly when access is "either"/);
  await refused({ ...countWordsSpec(), reach: "everything" }, /reach Invalid option/);
  await refused(countWordsSpec({ description: " ", permissionsDoc: "" }), /description must say .*; permissionsDoc/);
  await refused({ ...countWordsSpec(), internal: true }, /Unrecognized key: "internal"/);
  await refused({ ...countWordsSpec(), expand: () => ({}) }, /Unrecognized key: "expand"/);
  await refused({ ...countWordsSpec(), workingMemory: true }, /Unrecognized key: "workingMemory"/);
  await refused(countWordsSpec({ schema: { type: "string" } }), /schema must be a zod schema or a JSON Schema/);
  await refused(
    { ...countWordsSpec(), schema: z.string() },
    /schema cannot describe its arguments: it does not describe/,
  );
  await refused(
    countWordsSpec({ schema: { type: "object", properties: { path: { $ref: "#/$defs/none" } } } }),
    /schema uses what PAI cannot check a call against \(the schema\.path: \$ref\)/,
  );
  // A constraint the call pipeline would not check is refused, not skipped.
  await refused(
    countWordsSpec({ schema: { type: "object", properties: { to: { type: "string", format: "email" } } } }),
    /cannot check a call against \(the schema\.to: format email\)/,
  );
  await refused(
    countWordsSpec({ schema: { type: "object", properties: { n: { anyOf: [{ type: "string" }] } } } }),
    /cannot check a call against \(the schema\.n: anyOf\)/,
  );
  await refused(countWordsSpec({ program: "tests/fixtures/count_words.ts" }), /program must be an absolute path/);
  await refused(
    countWordsSpec({ program: "/no/such/tool.ts" }),
    /program "\/no\/such\/tool.ts" cannot be run: it does/,
  );
  await refused(countWordsSpec({ program: TOOLS_FOLDER }), /cannot be run: it is not a file/);
  await refused("word_count", /^Cannot register tool \(no name\): spec Invalid input/);
});

Deno.test("a tool added at run time is offered to each mode by the same rule as the built-ins", async () => {
  const registry = testRegistry();
  const names = (mode: keyof typeof PROFILES, safe = false) =>
    testToolManager({ registry, workspace: "/", profile: PROFILES[mode], policy: { rules: [], safe } }).manager
      .definitions().map((d) => d.name).filter((n) => n.startsWith("added_"));
  await registry.register(countWordsSpec({ name: "added_reader" }));
  await registry.register(countWordsSpec({ name: "added_either", access: "either", readOnly: () => true }));
  await registry.register(countWordsSpec({ name: "added_writer", access: "write" }));
  await registry.register(countWordsSpec({ name: "added_sender", network: true }));
  await registry.register(countWordsSpec({ name: "added_crud", reach: "crud" }));
  assert.deepEqual(names("chat"), ["added_reader", "added_either", "added_sender"]);
  assert.deepEqual(names("chat", true), ["added_reader", "added_either"]);
  assert.deepEqual(names("prompt"), ["added_reader", "added_either", "added_sender"]);
  assert.deepEqual(names("agent"), ["added_reader", "added_either", "added_writer", "added_sender", "added_crud"]);
  assert.deepEqual(names("agent", true), ["added_reader", "added_either", "added_writer", "added_crud"]);
  // What the model is sent has no `offer`: only name, description and parameters.
  const { manager } = testToolManager({ registry, workspace: "/" });
  assert.deepEqual(Object.keys(manager.definitions().at(-1)!), ["name", "description", "parameters"]);
});

Deno.test("a tool registered after the manager was made is offered from the next request on", async () => {
  const registry = testRegistry();
  const { manager } = testToolManager({ registry, workspace: "/" });
  assert.ok(!manager.definitions().some((d) => d.name === "word_count"));
  await registry.register(countWordsSpec());
  assert.ok(manager.definitions().some((d) => d.name === "word_count"));
});

/** Runs a fixture with an empty module cache and no way to fill it: any npm package (zod) it loads fails it. */
async function withoutNpm(fixture: string): Promise<string> {
  const cache = await Deno.makeTempDir({ prefix: "pai_empty_deno_dir_" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--cached-only", "--allow-read", "--allow-env", fixture],
      env: { DENO_DIR: cache, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
}

Deno.test("offering the tools loads neither zod nor a manifest: a run that calls no tool never does", async () => {
  assert.match(await withoutNpm(OFFER_TOOLS), /^\d+\n$/);
});

Deno.test("checking a call of any built-in tool loads no zod: the arguments are checked against its JSON Schema", async () => {
  assert.equal(await withoutNpm(CHECK_TOOL_CALL), '[{"path":"path","message":"must not be empty"}]\n');
});
