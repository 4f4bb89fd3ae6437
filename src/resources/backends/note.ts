/** A note: text kept in PAI's database, answered by PAI itself (no tool runs). */
import {
  type CreateArgs,
  definitionError,
  type Expansion,
  type ResourceBackend,
  type ResourceHost,
} from "../backend.ts";

/** The note backend, which also creates: a note is the one kind the model makes (`resource_create`). */
export interface NoteBackend extends ResourceBackend {
  create(host: ResourceHost, args: CreateArgs): Expansion;
}

export const NOTE: NoteBackend = {
  define(input) {
    if (input.uri !== undefined) throw definitionError("--uri is not for notes: give the text with --text");
    if (input.text === undefined) throw definitionError("A note needs --text TEXT");
    return {};
  },
  read: ({ resource: r, host }) => ({ answer: { name: r.name, text: host.note(r.name) ?? "" }, label: r.label }),
  create(host, args) {
    host.register({ name: args.name, kind: "note", label: args.label ?? "internal" }, args.text);
    return { answer: { created: args.name } };
  },
  update({ resource: r, host }, args) {
    if (args.text === undefined) return { refuse: "give the note's new text" };
    host.setNote(r.name, args.text);
    return { answer: { updated: r.name } };
  },
  delete({ resource: r, host }) {
    host.deleteNote(r.name);
    return { answer: { deleted: r.name } };
  },
  attach: (r, host) => Promise.resolve({ text: () => Promise.resolve(host.note(r.name) ?? "") }),
};
