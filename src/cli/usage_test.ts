import assert from "node:assert/strict";
import {
  AliasNotFoundError,
  ArgumentParseError,
  buildRouteMap,
  EnumValidationError,
  FlagNotFoundError,
  text_en,
  UnexpectedPositionalError,
  UnsatisfiedFlagError,
  UnsatisfiedPositionalError,
} from "@stricli/core";
import { PaiError } from "../core/errors.ts";
import {
  buildCommand,
  commandAt,
  helpPointer,
  parseErrorMessage,
  unknownCommandMessage,
  usageLine,
  wantsJson,
} from "./usage.ts";

interface SendFlags {
  stream: boolean;
  json: boolean;
  maxChain: number;
  kind: "note" | "file";
  resource?: readonly string[];
  default?: boolean;
}

const send = buildCommand({
  func: (_flags: SendFlags, ..._text: string[]) => {},
  parameters: {
    flags: {
      stream: { kind: "boolean", default: true, brief: "Stream" },
      json: { kind: "boolean", default: false, brief: "JSON" },
      maxChain: { kind: "parsed", parse: Number, default: "3", placeholder: "n", brief: "Rounds" },
      kind: { kind: "enum", values: ["note", "file"], brief: "What it is" },
      resource: { kind: "parsed", parse: String, variadic: true, optional: true, placeholder: "name", brief: "R" },
      default: { kind: "boolean", optional: true, brief: "Default" },
    },
    positional: { kind: "array", parameter: { brief: "The prompt", placeholder: "text", parse: String } },
  },
  docs: { brief: "Send" },
});

const show = buildCommand({
  func: (_flags: Record<never, never>, _name: string, _path?: string) => {},
  parameters: {
    positional: {
      kind: "tuple",
      parameters: [
        { brief: "Resource name", placeholder: "name", parse: String },
        { brief: "A file", placeholder: "path", parse: String, optional: true },
      ],
    },
  },
  docs: { brief: "Show" },
});

const root = buildRouteMap({
  routes: { send, group: buildRouteMap({ routes: { show }, docs: { brief: "Group" } }) },
  docs: { brief: "Root" },
});

const sendAt = commandAt(root, ["send", "--json", "hi"]);
const showAt = commandAt(root, ["group", "show", "x"]);

Deno.test("usageLine() shows what users type: --no-x for a flag on by default, placeholders, [<text>...]", () => {
  assert.equal(
    usageLine(send.parameters as Parameters<typeof usageLine>[0], ["pai", "send"]),
    "pai send [--no-stream] [--json] [--max-chain <n>] --kind note|file [--resource <name>]... " +
      "[--default|--no-default] [<text>...]",
  );
  assert.equal(
    usageLine(show.parameters as Parameters<typeof usageLine>[0], ["pai", "show"]),
    "pai show <name> [<path>]",
  );
});

Deno.test("buildCommand() puts PAI's usage line in the help, and brackets arguments that may all be left out", () => {
  const help = send.formatHelp({
    prefix: ["pai", "send"],
    config: { caseStyle: "convert-camel-to-kebab", useAliasInUsageLine: false, onlyRequiredInUsageLine: false },
    ansiColor: false,
    text: text_en,
    additionalFlags: [],
    includeArgumentEscapeSequenceFlag: false,
    includeHidden: false,
  });
  assert.ok(help.startsWith("USAGE\n  pai send [--no-stream] [--json] "), help);
  assert.match(help, /\n {2}\[text\.\.\.\] +The prompt\n/);
  assert.equal(
    send.formatUsageLine({ prefix: ["x"], config: {} as never, ansiColor: false }).split(" ")[1],
    "[--no-stream]",
  );
});

Deno.test("commandAt() follows the words that name commands, and stops at the first that does not", () => {
  assert.deepEqual(sendAt.words, ["pai", "send"]);
  assert.deepEqual(showAt.words, ["pai", "group", "show"]);
  assert.deepEqual(commandAt(root, ["group", "bogus"]).words, ["pai", "group"]);
  assert.deepEqual(commandAt(root, ["constructor"]).words, ["pai"], "Object's own names are no commands");
  assert.equal(helpPointer(showAt), 'Run "pai group show --help" for usage');
});

Deno.test("parseErrorMessage() names the flag or argument and lists the valid values", () => {
  assert.equal(
    parseErrorMessage(new EnumValidationError("kind" as never, "flopy", ["note", "file"], []), sendAt),
    'Invalid --kind "flopy": choose one of note, file',
  );
  assert.equal(
    parseErrorMessage(new AliasNotFoundError("m"), sendAt),
    'Unknown flag "-m" for "pai send": its flags are --no-stream, --json, --max-chain, --kind, --resource, ' +
      "--default/--no-default",
  );
  assert.match(
    parseErrorMessage(new FlagNotFoundError("max-chian" as never, ["maxChain"]), sendAt),
    /^Unknown flag "--max-chian" for "pai send": .*; did you mean --max-chain\?$/,
  );
  assert.equal(
    parseErrorMessage(new UnsatisfiedFlagError("kind" as never), sendAt),
    "Expected a value for --kind: one of note, file",
  );
  assert.equal(
    parseErrorMessage(
      new ArgumentParseError("max-chain" as never, "0", new PaiError('Expected at least 1, got "0"')),
      sendAt,
    ),
    '--max-chain: Expected at least 1, got "0"',
  );
  assert.equal(
    parseErrorMessage(new ArgumentParseError("name" as never, "x", new SyntaxError("bad")), showAt),
    'Invalid <name> "x": bad',
  );
  assert.equal(
    parseErrorMessage(new UnsatisfiedPositionalError("name" as never), showAt),
    "Missing <name>: Resource name",
  );
  assert.equal(
    parseErrorMessage(new UnexpectedPositionalError(2, "z"), showAt),
    'Unexpected argument "z": "pai group show" takes <name> [<path>]',
  );
});

Deno.test("unknownCommandMessage() lists the commands there are", () => {
  assert.equal(
    unknownCommandMessage({ input: "shw", corrections: ["`show`"] }, commandAt(root, ["group", "shw"])),
    'Unknown command "shw" for "pai group": its commands are show; did you mean show?',
  );
});

Deno.test("wantsJson() is true only for a command that takes --json, given before --", () => {
  assert.equal(wantsJson(sendAt, ["send", "--json", "hi"]), true);
  assert.equal(wantsJson(sendAt, ["send", "--", "--json"]), false);
  assert.equal(wantsJson(showAt, ["group", "show", "--json"]), false);
});
