import assert from "node:assert/strict";
import { RESOURCE_KINDS } from "../core/types.ts";
import { fakeHost } from "./_fake_host.ts";
import { backendOf, BACKENDS } from "./backends.ts";

Deno.test("every kind has a backend; only files and notes can be attached to a prompt", () => {
  assert.deepEqual(Object.keys(BACKENDS).sort(), [...RESOURCE_KINDS].sort());
  assert.deepEqual(RESOURCE_KINDS.filter((k) => backendOf(k).attach), ["note", "file"]);
});

Deno.test("a file is attached as what its path leads to now, a note from PAI's database", async () => {
  const dir = Deno.realPathSync(Deno.makeTempDirSync());
  try {
    Deno.writeTextFileSync(`${dir}/target.md`, "the target");
    Deno.symlinkSync(`${dir}/target.md`, `${dir}/link.md`);
    const file = await BACKENDS.file.attach!(
      { name: "f", kind: "file", label: "internal", uri: `${dir}/link.md` },
      fakeHost(),
    );
    assert.equal(file.real, `${dir}/target.md`);
    assert.equal(await file.text(), "the target");
    const host = fakeHost({ notes: { todo: "- milk" } });
    const note = await BACKENDS.note.attach!({ name: "todo", kind: "note", label: "internal" }, host);
    assert.equal(note.real, undefined);
    assert.equal(await note.text(), "- milk");
    await assert.rejects(() =>
      BACKENDS.file.attach!({ name: "g", kind: "file", label: "internal", uri: `${dir}/gone` }, host)
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a note is read, created, changed and deleted by PAI itself, with no tool call", () => {
  const host = fakeHost();
  assert.deepEqual(BACKENDS.note.create(host, { name: "todo", text: "a" }), { answer: { created: "todo" } });
  const [resource] = host.list();
  assert.deepEqual(resource, { name: "todo", kind: "note", label: "internal" });
  assert.deepEqual(BACKENDS.note.update({ resource, host }, {}), { refuse: "give the note's new text" });
  assert.deepEqual(BACKENDS.note.update({ resource, host }, { text: "b" }), { answer: { updated: "todo" } });
  assert.deepEqual(BACKENDS.note.read({ resource, host }, {}), {
    answer: { name: "todo", text: "b" },
    label: "internal",
  });
  assert.deepEqual(BACKENDS.note.delete({ resource, host }, {}), { answer: { deleted: "todo" } });
  assert.equal(host.notes.has("todo"), false);
});

Deno.test("the kinds the model may not delete say how their data is removed instead", () => {
  const host = fakeHost();
  const on = (kind: "file" | "sqlite" | "postgres") => ({
    resource: { name: "r", kind, label: "internal" as const },
    host,
  });
  assert.deepEqual(BACKENDS.file.delete(on("file"), {}), {
    refuse: "a file resource is not deleted by the model (the user runs pai resource rm)",
  });
  for (const kind of ["sqlite", "postgres"] as const) {
    assert.deepEqual(BACKENDS[kind].delete(on(kind), {}), {
      refuse: `a ${kind} resource is not deleted by the model (delete rows with resource_update)`,
    });
  }
});
