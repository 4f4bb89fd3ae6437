import assert from "node:assert/strict";
import { decide, type DecisionInput } from "./decide.ts";

const AGENT = { mode: "agent", tools: "write", workspace: "write" } as const;
const READERS = [
  { mode: "chat", tools: "read", workspace: "read" },
  { mode: "prompt", tools: "read", workspace: "read" },
] as const;

const input = (over: Partial<DecisionInput>): DecisionInput => ({
  tool: "fs_read",
  profile: AGENT,
  readOnly: true,
  needs: { read: [], write: [], net: [] },
  writeTargets: over.needs?.write ?? [],
  workspace: "/ws",
  protectedPaths: ["/home/u/.ssh", "/home/u/.config/pai"],
  granted: { read: [], write: [], net: [] },
  limits: { timeoutMs: 1, memoryMb: 1, outputBytes: 1 },
  ...over,
});

Deno.test("decide() allows reads inside the workspace in every mode, and writes only where the profile's tools write", () => {
  for (const profile of [...READERS, AGENT]) {
    assert.equal(decide(input({ profile, needs: { read: ["/ws/a.md"], write: [], net: [] } })).kind, "allow");
  }
  assert.equal(
    decide(input({ tool: "fs_write", readOnly: false, needs: { read: [], write: ["/ws/a"], net: [] } })).kind,
    "allow",
  );
  const chat = decide(
    input({ profile: READERS[0], tool: "fs_write", readOnly: false, needs: { read: [], write: ["/ws/a"], net: [] } }),
  );
  assert.equal(chat.kind, "deny");
  assert.match(chat.kind === "deny" ? chat.reason : "", /^chat mode allows only read-only tool calls/);
});

Deno.test("decide() gives an unattended run nothing for being in its folder: only what is granted", () => {
  const unattended = { mode: "assistant", tools: "write", workspace: "none" } as const;
  const read = decide(input({ profile: unattended, needs: { read: ["/ws/a.md"], write: [], net: [] } }));
  assert.deepEqual(read.kind === "ask" && read.missing, { read: ["/ws/a.md"], write: [], net: [] });
  const write = { tool: "fs_write", readOnly: false, needs: { read: [], write: ["/ws/a"], net: [] } };
  assert.equal(decide(input({ profile: unattended, ...write })).kind, "ask");
  const granted = { read: [], write: ["/ws"], net: [] };
  assert.equal(decide(input({ profile: unattended, ...write, granted })).kind, "allow");
});

Deno.test("decide() asks for what is outside the workspace or not granted, naming exactly that", () => {
  const d = decide(input({ needs: { read: ["/etc/hosts", "/ws/x"], write: [], net: ["api.example.com:443"] } }));
  assert.equal(d.kind, "ask");
  assert.deepEqual(d.kind === "ask" && d.missing, { read: ["/etc/hosts"], write: [], net: ["api.example.com:443"] });
  const granted = decide(input({
    needs: { read: ["/etc/hosts"], write: [], net: ["api.example.com:443"] },
    granted: { read: ["/etc"], write: [], net: ["api.example.com"] },
  }));
  assert.equal(granted.kind, "allow");
});

Deno.test("decide() denies protected folders and .env files even when granted", () => {
  const granted = { read: ["/home/u"], write: ["/home/u"], net: [] };
  for (const path of ["/home/u/.ssh/id_ed25519", "/home/u/.config/pai/config.json", "/ws/.env", "/ws/app/.env.local"]) {
    const d = decide(input({ needs: { read: [path], write: [], net: [] }, granted }));
    assert.equal(d.kind, "deny", path);
  }
  assert.equal(decide(input({ needs: { read: ["/ws/.envrc-notes/x"], write: [], net: [] } })).kind, "allow");
});

Deno.test("decide() denies a protected folder inside a granted one in the grant itself", () => {
  const d = decide(input({ workspace: "/home/u", needs: { read: ["/home/u"], write: [], net: [] } }));
  assert.equal(d.kind, "allow");
  assert.deepEqual(d.kind === "allow" && d.grant.denyRead, ["/home/u/.ssh", "/home/u/.config/pai"]);
});

Deno.test("decide() matches net grants as Deno does: a bare host covers every port", () => {
  const needs = { read: [], write: [], net: ["localhost:8080"] };
  assert.equal(decide(input({ needs, granted: { read: [], write: [], net: ["localhost"] } })).kind, "allow");
  assert.equal(decide(input({ needs, granted: { read: [], write: [], net: ["localhost:9090"] } })).kind, "ask");
  assert.equal(decide(input({ needs, granted: { read: [], write: [], net: ["127.0.0.1:8080"] } })).kind, "ask");
});

const write = (target: string, grant = target, over: Partial<DecisionInput> = {}) =>
  decide(input({
    tool: "fs_write",
    readOnly: false,
    needs: { read: [], write: [grant], net: [] },
    writeTargets: [target],
    ...over,
  }));

Deno.test("decide() checks the final path of a write, not the new folder that grants it", () => {
  // fs_write newdir/.env: the grant is the new folder "newdir", the file written is .env.
  for (const target of ["/ws/newdir/.env", "/ws/newdir2/sub/.env.production", "/ws/n/.ENV"]) {
    const d = write(target, "/ws/newdir");
    assert.equal(d.kind, "deny", target);
    assert.match(d.kind === "deny" ? d.reason : "", /\.env file/);
  }
});

Deno.test("decide() never lets a write create, change or delete a .pai folder's files, whatever is granted", () => {
  const granted = { read: [], write: ["/ws", "/"], net: [] };
  for (const target of ["/ws/.pai/policy.json", "/.pai/policy.json", "/ws/sub/.pai/policy.json", "/ws/x/.PAI/p"]) {
    const d = write(target, target, { granted, rules: [{ tool: "*", action: "allow", source: "u", index: 1 }] });
    assert.equal(d.kind, "deny", target);
    assert.match(d.kind === "deny" ? d.reason : "", /\.pai folder/);
  }
  // Reading a project policy is fine.
  assert.equal(decide(input({ needs: { read: ["/ws/.pai/policy.json"], write: [], net: [] } })).kind, "allow");
});

Deno.test("decide() asks for each write under .git, once only, even when the workspace, a grant or a rule allows it", () => {
  const cases = ["/ws/.git/config", "/ws/.git/hooks/pre-commit", "/ws/vendor/lib/.git/config", "/ws/.git"];
  for (const target of cases) {
    for (
      const over of [{}, { granted: { read: [], write: ["/ws"], net: [] } }, {
        rules: [{ tool: "fs_write", action: "allow" as const, source: "u", index: 1 }],
      }]
    ) {
      const d = write(target, target, over);
      assert.equal(d.kind, "ask", target);
      assert.match(d.kind === "ask" ? d.onceOnly ?? "" : "", /\.git folder/);
    }
  }
  // A deny rule still denies; a file merely named like git's is an ordinary write.
  assert.equal(
    write("/ws/.git/config", "/ws/.git/config", {
      rules: [{ tool: "fs_write", action: "deny", source: "u", index: 1 }],
    }).kind,
    "deny",
  );
  assert.equal(write("/ws/.gitignore").kind, "allow");
  assert.equal(write("/ws/docs/git/notes.md").kind, "allow");
});

Deno.test("decide() denies a hard link to a protected file, and writes to any file with other names", () => {
  const read = (hardLinks: DecisionInput["hardLinks"]) =>
    decide(input({ needs: { read: ["/ws/notes.txt"], write: [], net: [] }, hardLinks }));
  assert.match(JSON.stringify(read([{ path: "/ws/notes.txt", sameAs: "/home/u/.aws/credentials" }])), /hard link/);
  assert.equal(read([{ path: "/ws/notes.txt", sameAs: "unknown" }]).kind, "deny");
  assert.equal(read([{ path: "/ws/notes.txt" }]).kind, "allow");
  assert.equal(write("/ws/notes.txt", "/ws/notes.txt", { hardLinks: [{ path: "/ws/notes.txt" }] }).kind, "deny");
});

Deno.test("decide() judges writes by where a symlinked .pai leads, and by the git repositories they land in", () => {
  assert.match(
    JSON.stringify(write("/ws/conf/policy.json", "/ws/conf/policy.json", { policyFolders: ["/ws/conf"] })),
    /\.pai folder/,
  );
  const git = write("/srv/repos/ws-git/hooks/pre-commit", "/srv/repos/ws-git/hooks", {
    gitDirectories: ["/srv/repos/ws-git"],
    granted: { read: [], write: ["/srv"], net: [] },
  });
  assert.equal(git.kind, "ask");
  assert.match(git.kind === "ask" ? git.onceOnly ?? "" : "", /is a git repository folder/);
});

Deno.test("decide() says what a protected folder is when it knows (PAI's own checkout)", () => {
  const d = decide(input({
    needs: { read: ["/pai/README.md"], write: [], net: [] },
    protectedPaths: ["/pai"],
    protectedWhy: new Map([["/pai", "it is PAI's own checkout; run PAI from your project's folder"]]),
  }));
  assert.equal(d.kind, "deny");
  assert.match(d.kind === "deny" ? d.reason : "", /never lets a tool touch: it is PAI's own checkout/);
});
