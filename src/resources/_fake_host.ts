/** A resource host for the backends' unit tests: notes in memory, variables from a table, S3 keys on request. */
import type { Resource } from "../core/types.ts";
import type { ResourceHost } from "./backend.ts";
import type { AwsCredentials } from "./backends/aws_credentials.ts";

/** Options for {@linkcode fakeHost}. */
export interface FakeHostOptions {
  notes?: Record<string, string>;
  secrets?: Record<string, string>;
  aws?: AwsCredentials;
}

/** A host whose notes and variables are the given ones; registering keeps the resource in memory. */
export function fakeHost(options: FakeHostOptions = {}): ResourceHost & { notes: Map<string, string> } {
  const notes = new Map(Object.entries(options.notes ?? {}));
  const resources: Resource[] = [];
  return {
    notes,
    list: () => resources,
    note: (name) => notes.get(name),
    setNote: (name, text) => void notes.set(name, text),
    register: (resource, text) => {
      resources.push(resource);
      if (text !== undefined) notes.set(resource.name, text);
    },
    deleteNote: (name) => void notes.delete(name),
    secret: (variable) => options.secrets?.[variable],
    awsCredentials: () => options.aws,
    check: () => Promise.reject(new Error("fakeHost checks no definitions")),
  };
}
