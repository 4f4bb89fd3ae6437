/** The schema of `resources.json` (loaded only when the file exists). */
import { z } from "zod";
import { LABELS, RESOURCE_KINDS } from "../core/types.ts";

export const RESOURCES_SCHEMA = z.strictObject({
  resources: z.array(
    z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
      kind: z.enum(RESOURCE_KINDS),
      uri: z.string().min(1).optional(),
      env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
      label: z.enum(LABELS),
      description: z.string().optional(),
      default: z.boolean().optional(),
    }).superRefine((r, ctx) => {
      if (r.kind !== "note" && r.kind !== "postgres" && !r.uri) {
        ctx.addIssue({ code: "custom", path: ["uri"], message: `a ${r.kind} resource needs a uri` });
      }
      if (r.kind === "postgres" && !r.env) {
        ctx.addIssue({ code: "custom", path: ["env"], message: "a postgres resource needs env (the variable name)" });
      }
    }),
  ),
});
