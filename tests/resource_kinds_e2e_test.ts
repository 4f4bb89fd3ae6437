/** End to end: every resource kind registered, checked, shown, updated, read and written directly. */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { makePaiHome, runPai } from "./helpers/run_pai.ts";
import { makeWorkspace } from "./helpers/workspace.ts";

const PG = "postgres://app:pg-secret-pw@127.0.0.1:5432/app";

Deno.test("each kind is checked at add, with an error naming the flag; credentials are never stored", async () => {
  const home = makePaiHome();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/a.md`, "a");
    Deno.writeTextFileSync(`${w.ws}/not.db`, "plain text");
    new DatabaseSync(`${w.ws}/app.db`).exec("CREATE TABLE t (x)");
    const env = {
      CRM_URL: PG,
      API_TOKEN: "tok-0123456789abcdef",
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    };
    const add = (...args: string[]) => runPai(["resource", "add", ...args], { home, env, cwd: w.ws });
    const errors: [string[], RegExp][] = [
      [["n1", "--kind", "note"], /A note needs --text TEXT/],
      [["n1", "--kind", "note", "--text", "x", "--uri", "a.md"], /--uri is not for notes/],
      [["f1", "--kind", "file", "--text", "x"], /--text is only for notes/],
      [["f1", "--kind", "file"], /A file resource needs --uri PATH/],
      [["f1", "--kind", "file", "--uri", "nope.md"], /--uri "nope.md": no such file/],
      [["s1", "--kind", "sqlite", "--uri", "not.db"], /--uri "not.db" is not a SQLite database/],
      [["u1", "--kind", "url", "--uri", "ftp://x"], /only http and https/],
      [
        ["u1", "--kind", "url", "--uri", "https://me:pw@api.example.com"],
        /holds a password: PAI never stores credentials/,
      ],
      [
        ["u1", "--kind", "url", "--uri", "https://api.example.com", "--env", "MISSING_TOKEN"],
        /--env MISSING_TOKEN: the variable is not set/,
      ],
      [["b1", "--kind", "s3", "--uri", "https://bucket"], /is not an S3 location/],
      [["b1", "--kind", "s3", "--uri", "s3://my-bucket/x?colour=red"], /unknown option "colour"/],
      [["p1", "--kind", "postgres"], /needs --env VAR/],
      [["p1", "--kind", "postgres", "--uri", PG], /--uri is not for postgres/],
      [["p1", "--kind", "postgres", "--env", "API_TOKEN"], /not a postgres:\/\/ connection string/],
      [["x y", "--kind", "note", "--text", "x"], /Invalid resource name/],
      [["k", "--kind", "disk", "--uri", "a.md"], /disk/],
    ];
    for (const [args, expected] of errors) {
      const out = await add(...args);
      assert.equal(out.code, 2, args.join(" "));
      assert.match(out.stderr, expected, args.join(" "));
    }
    const noCreds = await runPai(["resource", "add", "b1", "--kind", "s3", "--uri", "s3://my-bucket/x"], {
      home,
      cwd: w.ws,
    });
    assert.match(noCreds.stderr, /no S3 credentials[^]*\?profile=NAME/);

    for (
      const args of [
        ["todo", "--kind", "note", "--text", "- renew passport"],
        ["doc", "--kind", "file", "--uri", "a.md", "--label", "public"],
        ["ws", "--kind", "folder", "--uri", "."],
        ["app", "--kind", "sqlite", "--uri", "app.db"],
        ["api", "--kind", "url", "--uri", "https://api.example.com/v1", "--env", "API_TOKEN"],
        ["bucket", "--kind", "s3", "--uri", "s3://my-bucket/reports/?endpoint=http://127.0.0.1:9000&region=us-east-1"],
        ["crm", "--kind", "postgres", "--env", "CRM_URL", "--label", "private"],
      ]
    ) {
      const out = await add(...args);
      assert.equal(out.code, 0, `${args.join(" ")}: ${out.stderr}`);
    }
    const stored = Deno.readTextFileSync(`${home.dir}/resources.json`);
    for (const secret of [PG, "pg-secret-pw", env.API_TOKEN, env.AWS_SECRET_ACCESS_KEY, "renew passport"]) {
      assert.ok(!stored.includes(secret), `resources.json holds ${secret}`);
    }
    const list = JSON.parse((await runPai(["resource", "list", "--json"], { home, env })).stdout);
    assert.deepEqual(list.map((r: { name: string; kind: string }) => `${r.name}:${r.kind}`), [
      "todo:note",
      "doc:file",
      "ws:folder",
      "app:sqlite",
      "api:url",
      "bucket:s3",
      "crm:postgres",
    ]);
    assert.equal(list.find((r: { name: string }) => r.name === "crm").env, "CRM_URL");
  } finally {
    w.cleanup();
    home.cleanup();
  }
});

Deno.test("show, update, get, put and rm work on notes, files, folders and SQLite databases", async () => {
  const home = makePaiHome();
  const w = await makeWorkspace();
  try {
    Deno.mkdirSync(`${w.ws}/notes`);
    Deno.writeTextFileSync(`${w.ws}/notes/a.md`, "line 1\nline 2\n");
    const db = new DatabaseSync(`${w.ws}/app.db`);
    db.exec("CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('ann'), ('bob')");
    db.close();
    const pai = (args: string[], stdin?: string) => runPai(["resource", ...args], { home, cwd: w.ws, stdin });
    await pai(["add", "todo", "--kind", "note", "--text", "- renew passport"]);
    await pai(["add", "notes", "--kind", "folder", "--uri", "notes", "--description", "my notes"]);
    await pai(["add", "a", "--kind", "file", "--uri", "notes/a.md"]);
    await pai(["add", "app", "--kind", "sqlite", "--uri", "app.db"]);

    assert.match((await pai(["show", "todo"])).stdout, /todo: note, labelled internal\n\n- renew passport\n/);
    assert.match((await pai(["show", "notes"])).stdout, /notes: folder .*\nmy notes\n\na.md\n/);
    assert.equal(JSON.parse((await pai(["show", "a", "--json"])).stdout).preview, "line 1\nline 2\n");

    assert.equal((await pai(["put", "todo"], "- renew passport\n- call Ann\n")).code, 0);
    assert.equal((await pai(["get", "todo"])).stdout, "- renew passport\n- call Ann\n");
    assert.equal((await pai(["put", "notes", "sub/b.md"], "new file\n")).code, 0);
    assert.equal(Deno.readTextFileSync(`${w.ws}/notes/sub/b.md`), "new file\n");
    assert.equal((await pai(["get", "notes", "sub/b.md"])).stdout, "new file\n");
    const escape = await pai(["put", "notes", "../outside.md"], "x");
    assert.equal(escape.code, 1);
    assert.match(escape.stderr, /permission_denied: path "..\/outside.md" must stay inside the folder/);
    assert.equal((await pai(["get", "a"])).stdout, "line 1\nline 2\n");
    assert.deepEqual(JSON.parse((await pai(["get", "app"])).stdout), [
      { name: "people", type: "table", sql: "CREATE TABLE people (name TEXT)" },
    ]);
    assert.deepEqual(JSON.parse((await pai(["get", "app", "people"])).stdout), [{ name: "ann" }, { name: "bob" }]);

    assert.match((await pai(["update", "a", "--label", "private"])).stdout, /labelled private/);
    const badUpdate = await pai(["update", "a", "--uri", "gone.md"]);
    assert.equal(badUpdate.code, 2);
    assert.equal(
      JSON.parse((await pai(["show", "a", "--json"])).stdout).label,
      "private",
      "a failed update changes nothing",
    );

    assert.match((await pai(["rm", "todo"])).stdout, /Deleted the note todo/);
    assert.match((await pai(["get", "todo"])).stderr, /No resource named "todo"/);
    assert.match((await pai(["rm", "a"])).stdout, /the data itself is untouched/);
    assert.ok(Deno.statSync(`${w.ws}/notes/a.md`).isFile);
  } finally {
    w.cleanup();
    home.cleanup();
  }
});
