/** The schema of `resources.json` (loaded only when the file exists). */
import { z } from "zod";
import { LABELS } from "../policy/policy.ts";

export const RESOURCES_SCHEMA = z.strictObject({
  resources: z.array(z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
    kind: z.enum(["file", "folder"]),
    uri: z.string().startsWith("/"),
    label: z.enum(LABELS),
    description: z.string().optional(),
  })),
});
