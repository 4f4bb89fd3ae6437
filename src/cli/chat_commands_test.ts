import assert from "node:assert/strict";
import type { PaiError } from "../core/errors.ts";
import { chatHelp, parseChatInput } from "./chat_commands.ts";

Deno.test("parseChatInput() reads a command and its argument; text, and // text, are messages", () => {
  assert.deepEqual(parseChatInput("/model openai:gpt-4o"), { kind: "command", name: "model", arg: "openai:gpt-4o" });
  assert.deepEqual(parseChatInput("/MODEL"), { kind: "command", name: "model", arg: "" });
  assert.deepEqual(parseChatInput("/quit"), { kind: "command", name: "exit", arg: "" });
  assert.deepEqual(parseChatInput("/save my chat.md"), { kind: "command", name: "save", arg: "my chat.md" });
  assert.deepEqual(parseChatInput("hello /help"), { kind: "message", text: "hello /help" });
  assert.deepEqual(parseChatInput("//etc/hosts?"), { kind: "message", text: "/etc/hosts?" });
  // A path, and a pasted snippet or block, are messages as they are.
  assert.deepEqual(parseChatInput("/usr/bin/ls: not found"), { kind: "message", text: "/usr/bin/ls: not found" });
  assert.deepEqual(parseChatInput("// compute x\nlet x = 1;"), { kind: "message", text: "// compute x\nlet x = 1;" });
  assert.deepEqual(parseChatInput("/clear\nmore"), { kind: "message", text: "/clear\nmore" });
});

Deno.test("parseChatInput() refuses an unknown command, a missing argument and an extra one: nothing is sent", () => {
  assert.throws(() => parseChatInput("/hosts what is it"), (e: PaiError) => {
    assert.match(e.message, /Unknown command "\/hosts": nothing was sent/);
    assert.match(e.hint ?? "", /\/\//);
    return true;
  });
  assert.throws(() => parseChatInput("/save"), /\/save needs FILE/);
  assert.throws(() => parseChatInput("/clear everything"), /\/clear takes no argument/);
  assert.throws(() => parseChatInput("/toString"), /Unknown command/);
});

Deno.test("chatHelp() lists every command", () => {
  for (const name of ["help", "model", "clear", "tools", "cost", "save", "exit"]) {
    assert.match(chatHelp(), new RegExp(`/${name}`));
  }
});
