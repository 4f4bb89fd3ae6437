/**
 * End to end: `-a/--attach FILE`. A text file goes inline with its name and label, an image as the provider's image
 * part to a model that takes images; an attachment is labelled as a resource is (a link by what it leads to),
 * refused before anything is sent for a provider that may not receive it, scanned, and recorded with its source.
 */
import assert from "node:assert/strict";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { openaiSession } from "./helpers/session.ts";
import { makePaiHome, runPai } from "./helpers/run_pai.ts";
import { makeWorkspace, privateHrFile, SECRET } from "./helpers/workspace.ts";
import { openDatabase } from "../src/store/db.ts";

/** The smallest PNG: 1×1, one transparent pixel. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

type Part = { type: string; text?: string; image_url?: { url: string } };

function lastUser(server: FakeModelServer): { content: string | Part[] } {
  const messages = server.chatRequests.at(-1)!.body!.messages as { role: string; content: string | Part[] }[];
  return messages.filter((m) => m.role === "user").at(-1)!;
}

Deno.test("--attach sends a text file inline with its name and label, and records where its data came from", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/notes.md`, "# Plan\nship on Friday\n");
    s.server.enqueue({ text: "summary" });
    const run = await runPai(["prompt", "-a", "notes.md", "summarise"], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(run.code, 0, run.stderr);
    const sent = lastUser(s.server).content as string;
    assert.match(sent, /^summarise\n\n<file name="notes\.md" label="internal">\n# Plan\nship on Friday\n<\/file>$/);
    const db = openDatabase(s.home.dir);
    try {
      const row = db.prepare("SELECT detail FROM audit_log WHERE kind = 'prompt' ORDER BY id DESC LIMIT 1").get()!;
      assert.ok(String(row.detail).includes(`${w.ws}/notes.md`), "the prompt row names the file as a source");
    } finally {
      db.close();
    }
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("--attach of a private file, or a link to one, is refused for a remote provider with nothing sent", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  const w = await makeWorkspace();
  try {
    const hr = await privateHrFile(w, { home: s.home, env: s.env });
    Deno.symlinkSync(hr, `${w.ws}/innocent.txt`);
    for (const file of ["hr.txt", "innocent.txt"]) {
      const run = await runPai(["prompt", "--attach", file, "what is in it?"], { home: s.home, env: s.env, cwd: w.ws });
      assert.equal(run.code, 7, run.stderr);
      assert.match(run.stderr, new RegExp(`Not sent: --attach "${file}" is labelled private`));
    }
    // The same file in chat and agent.
    for (const mode of ["chat", "agent"]) {
      const run = await runPai([mode, "-a", "innocent.txt", ...(mode === "agent" ? ["read it"] : [])], {
        home: s.home,
        env: s.env,
        cwd: w.ws,
        stdin: "read it\n",
      });
      assert.equal(run.code, 7, run.stderr);
    }
    assert.equal(s.server.chatRequests.length, 0);
    assert.ok(!JSON.stringify(s.server.requests).includes(SECRET));
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("--attach is scanned: a key in an attached file is blocked before it reaches a remote provider", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  const w = await makeWorkspace();
  try {
    const key = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0";
    Deno.writeTextFileSync(`${w.ws}/env.txt`, `OPENAI_API_KEY=${key}\n`);
    const run = await runPai(["prompt", "-a", "env.txt", "check my config"], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(run.code, 7, run.stderr);
    assert.match(run.stderr, /secret/i);
    assert.equal(s.server.chatRequests.length, 0);
    assert.ok(!JSON.stringify(s.server.requests).includes(key), "the key reached the model");
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("--attach sends an image as an image part to a model that takes images, and refuses it for one that does not", async () => {
  const s = await openaiSession({ models: ["m", "gpt-4o"] });
  const w = await makeWorkspace();
  try {
    // Named .txt: the bytes, not the name, say what it is.
    Deno.writeFileSync(`${w.ws}/shot.txt`, PNG);
    const refused = await runPai(["prompt", "-a", "shot.txt", "what is this?"], {
      home: s.home,
      env: s.env,
      cwd: w.ws,
    });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /--attach "shot\.txt" is an image, and .*m.* does not take images/);
    assert.equal(s.server.chatRequests.length, 0);

    const dry = await runPai(["prompt", "-m", "gpt-4o", "-a", "shot.txt", "--dry-run", "what is this?"], {
      home: s.home,
      env: s.env,
      cwd: w.ws,
    });
    assert.equal(dry.code, 0, dry.stderr);
    const shown = JSON.parse(dry.stdout).request.messages.at(-1);
    assert.deepEqual(shown.images, [{ name: "shot.txt", mediaType: "image/png", bytes: PNG.length }]);

    s.server.enqueue({ text: "a pixel" });
    const run = await runPai(["prompt", "-m", "gpt-4o", "-a", "shot.txt", "what is this?"], {
      home: s.home,
      env: s.env,
      cwd: w.ws,
    });
    assert.equal(run.code, 0, run.stderr);
    const parts = lastUser(s.server).content as Part[];
    assert.equal(parts[0].type, "text");
    assert.match(parts[0].text!, /<image name="shot\.txt" type="image\/png" bytes="\d+" sha256="[0-9a-f]{64}"/);
    assert.equal(parts[1].image_url!.url, `data:image/png;base64,${PNG.toBase64()}`);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("--attach asks Ollama whether a local model takes images, and Anthropic gets an image block", async () => {
  const ollama = FakeModelServer.start({ models: ["llava", "llama3.2"], ollama: true, visionModels: ["llava"] });
  const anthropic = FakeModelServer.start({ models: ["claude-sonnet-4-5"] });
  const home = makePaiHome();
  const w = await makeWorkspace();
  const env = {
    OLLAMA_HOST: ollama.url,
    ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdef",
    ANTHROPIC_BASE_URL: anthropic.url,
  };
  try {
    Deno.writeFileSync(`${w.ws}/shot.png`, PNG);
    assert.equal((await runPai(["init", "ollama", "--model", "llama3.2"], { home, env })).code, 0);
    const refused = await runPai(["prompt", "-a", "shot.png", "what?"], { home, env, cwd: w.ws });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /does not take images \(Ollama's \/api\/show\)/);
    ollama.enqueue({ text: "a pixel" });
    const local = await runPai(["prompt", "-m", "llava", "-a", "shot.png", "what?"], { home, env, cwd: w.ws });
    assert.equal(local.code, 0, local.stderr);
    assert.equal((lastUser(ollama).content as Part[])[1].type, "image_url");

    assert.equal((await runPai(["init", "anthropic", "--model", "claude-sonnet-4-5"], { home, env })).code, 0);
    anthropic.enqueue({ text: "a pixel" });
    const remote = await runPai(["prompt", "-a", "shot.png", "what?"], { home, env, cwd: w.ws });
    assert.equal(remote.code, 0, remote.stderr);
    const blocks = lastUser(anthropic).content as unknown as { type: string; source?: { data: string } }[];
    assert.deepEqual(blocks.map((b) => b.type), ["image", "text"]);
    assert.equal(blocks[0].source!.data, PNG.toBase64());
  } finally {
    w.cleanup();
    home.cleanup();
    await ollama.close();
    await anthropic.close();
  }
});

Deno.test("--attach refuses a folder, a missing file and a binary file that is no image, with nothing sent", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.writeFileSync(`${w.ws}/blob.bin`, new Uint8Array([0, 1, 2, 0xff, 0xfe]));
    Deno.mkdirSync(`${w.ws}/dir`);
    const cases: [string, RegExp][] = [
      ["dir", /--attach "dir" is not a file/],
      ["nope.txt", /--attach "nope\.txt": no such file/],
      ["blob.bin", /is neither text \(UTF-8\) nor an image/],
    ];
    for (const [file, message] of cases) {
      const run = await runPai(["prompt", "-a", file, "hi"], { home: s.home, env: s.env, cwd: w.ws });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.ok(!run.stderr.includes("    at "), run.stderr);
    }
    assert.equal(s.server.chatRequests.length, 0);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("--attach of a private file goes to the session's local model, never to the remote main one", async () => {
  const remote = FakeModelServer.start({ models: ["m"] });
  const local = FakeModelServer.start({ models: ["llama3.2"], ollama: true });
  const home = makePaiHome();
  const w = await makeWorkspace();
  const env = {
    OPENAI_API_KEY: "sk-test-openai-0123456789abcdef",
    OPENAI_BASE_URL: `${remote.url}/v1`,
    OLLAMA_HOST: local.url,
  };
  try {
    const init = await runPai(
      ["init", "openai", "--model", "m", "--locality", "remote", "--local-model", "ollama:llama3.2"],
      { home, env },
    );
    assert.equal(init.code, 0, init.stderr);
    await privateHrFile(w, { home, env });
    local.enqueue({ text: "answered locally" });
    const run = await runPai(["prompt", "--json", "-a", "hr.txt", "what is in it?"], { home, env, cwd: w.ws });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).routedTo, "ollama:llama3.2:latest (local)");
    assert.ok(JSON.stringify(local.chatRequests).includes(SECRET));
    assert.ok(!JSON.stringify(remote.requests).includes(SECRET));
  } finally {
    w.cleanup();
    home.cleanup();
    await remote.close();
    await local.close();
  }
});

Deno.test("--attach never reads what tools may never read: a link to .netrc, to a .env file, a hard link", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  const w = await makeWorkspace();
  try {
    // Labelled by nothing in the default policy, and not shaped like a key the scanners know: only the rule stops them.
    Deno.writeTextFileSync(`${s.home.dir}/.netrc`, `machine example.com login me password ${SECRET}\n`);
    Deno.symlinkSync(`${s.home.dir}/.netrc`, `${w.ws}/setup.md`);
    Deno.writeTextFileSync(`${w.ws}/.env`, `TOKEN=${SECRET}\n`);
    Deno.symlinkSync(`${w.ws}/.env`, `${w.ws}/defaults.txt`);
    Deno.writeTextFileSync(`${w.outside}/plain.txt`, `${SECRET}\n`);
    Deno.linkSync(`${w.outside}/plain.txt`, `${w.ws}/second-name.txt`);
    const cases: [string, number, RegExp][] = [
      ["setup.md", 7, /leads to ".*\.netrc", in ".*\.netrc", a folder of secrets/],
      ["defaults.txt", 7, /leads to ".*\/\.env", a \.env file/],
      ["second-name.txt", 2, /has other names \(hard links\)/],
    ];
    for (const [file, code, message] of cases) {
      const run = await runPai(["prompt", "-a", file, "read it"], { home: s.home, env: s.env, cwd: w.ws });
      assert.equal(run.code, code, run.stderr);
      assert.match(run.stderr, message);
    }
    assert.equal(s.server.chatRequests.length, 0);
    assert.ok(!JSON.stringify(s.server.requests).includes(SECRET));
  } finally {
    w.cleanup();
    await s.close();
  }
});
