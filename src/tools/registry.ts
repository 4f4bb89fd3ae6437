/**
 * The built-in tools, by name: the seed of each run's `ToolRegistry` (`tool_registry.ts`), which also holds the
 * tools added at run time, and the source `definitions.json` is generated from.
 */
import { FS_DELETE, FS_EDIT, FS_LIST, FS_READ, FS_SEARCH, FS_WRITE } from "./fs_tools.ts";
import type { AnyToolManifest } from "./manifest.ts";
import { MEMORY_TOOLS } from "./memory_tools.ts";
import { HTTP_REQUEST, WEB_FETCH } from "./net_tools.ts";
import { RESOURCE_TOOLS } from "./resource_tools.ts";
import { S3_OBJECT } from "./s3_tool.ts";
import { PG_QUERY, SQL_QUERY } from "./sql_tool.ts";

export const TOOLS: readonly AnyToolManifest[] = [
  FS_READ,
  FS_LIST,
  FS_SEARCH,
  FS_WRITE,
  FS_EDIT,
  HTTP_REQUEST,
  WEB_FETCH,
  SQL_QUERY,
  ...RESOURCE_TOOLS,
  PG_QUERY,
  S3_OBJECT,
  FS_DELETE,
  ...MEMORY_TOOLS,
];

/** The built-in tool with this name, if there is one. */
export function findTool(name: string): AnyToolManifest | undefined {
  return TOOLS.find((t) => t.name === name);
}
