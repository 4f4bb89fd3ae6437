/**
 * Where each built-in tool's manifest is defined: its module in `src/tools/` and the name it is exported under. A
 * call loads only its own tool's module, not every tool's: `registry.ts` imports them all, and the resource tools
 * bring every resource backend (`bench/README.md`, "Turn pipeline"). `tool_modules_test.ts` holds this table equal to
 * `registry.ts`'s list, so a tool added there and not here fails the tests (it would still be found, more slowly).
 */
export const TOOL_MODULES: Readonly<Record<string, readonly [module: string, exported: string]>> = {
  fs_read: ["fs_tools.ts", "FS_READ"],
  fs_list: ["fs_tools.ts", "FS_LIST"],
  fs_search: ["fs_tools.ts", "FS_SEARCH"],
  fs_write: ["fs_tools.ts", "FS_WRITE"],
  fs_edit: ["fs_tools.ts", "FS_EDIT"],
  fs_delete: ["fs_tools.ts", "FS_DELETE"],
  http_request: ["net_tools.ts", "HTTP_REQUEST"],
  web_fetch: ["net_tools.ts", "WEB_FETCH"],
  sql_query: ["sql_tool.ts", "SQL_QUERY"],
  pg_query: ["sql_tool.ts", "PG_QUERY"],
  s3_object: ["s3_tool.ts", "S3_OBJECT"],
  resource_list: ["resource_tools.ts", "RESOURCE_LIST"],
  resource_read: ["resource_tools.ts", "RESOURCE_READ"],
  resource_create: ["resource_tools.ts", "RESOURCE_CREATE"],
  resource_update: ["resource_tools.ts", "RESOURCE_UPDATE"],
  resource_delete: ["resource_tools.ts", "RESOURCE_DELETE"],
  resource_request: ["resource_tools.ts", "RESOURCE_REQUEST"],
  memory_save: ["memory_tools.ts", "MEMORY_SAVE"],
  memory_search: ["memory_tools.ts", "MEMORY_SEARCH"],
  memory_forget: ["memory_tools.ts", "MEMORY_FORGET"],
};
