/** The backend of each kind of resource: the one place a kind's behaviour is looked up. */
import type { ResourceKind } from "../core/types.ts";
import type { ResourceBackend } from "./backend.ts";
import { FILE } from "./backends/file.ts";
import { FOLDER } from "./backends/folder.ts";
import { NOTE } from "./backends/note.ts";
import { POSTGRES } from "./backends/postgres.ts";
import { S3 } from "./backends/s3.ts";
import { SQLITE } from "./backends/sqlite.ts";
import { URL_API } from "./backends/url.ts";

/** Every kind has one (a new kind in `RESOURCE_KINDS` does not compile until it gets its backend). */
export const BACKENDS = {
  note: NOTE,
  file: FILE,
  folder: FOLDER,
  url: URL_API,
  s3: S3,
  sqlite: SQLITE,
  postgres: POSTGRES,
} satisfies Record<ResourceKind, ResourceBackend>;

/** The backend of `kind`. */
export function backendOf(kind: ResourceKind): ResourceBackend {
  return BACKENDS[kind];
}
