/** The schema of policy files (loaded only when one exists: zod is not free to import). */
import { z } from "zod";
import { LABELS } from "./policy.ts";
import { MODES } from "../core/types.ts";

const action = z.enum(["allow", "ask", "deny"]);
const scanAction = z.enum(["allow", "warn", "redact", "block"]);
const label = z.enum(LABELS);
const perLocality = <T extends z.ZodType>(value: T) =>
  z.strictObject({ local: value.optional(), remote: value.optional() });

export const POLICY_SCHEMA = z.strictObject({
  $schema: z.string().optional(),
  safe: z.boolean().optional(),
  rules: z.array(z.strictObject({
    tool: z.string().min(1),
    action,
    paths: z.array(z.string().min(1)).optional(),
    hosts: z.array(z.string().min(1)).optional(),
    methods: z.array(z.string().min(1).transform((m) => m.toUpperCase())).optional(),
    sql: z.array(z.enum(["read", "write"])).optional(),
    reason: z.string().optional(),
  })).optional(),
  scan: z.strictObject({ secret: perLocality(scanAction).optional(), personal: perLocality(scanAction).optional() })
    .optional(),
  providers: z.strictObject({
    maxLabel: perLocality(label).optional(),
    byName: z.record(z.string(), label).optional(),
  }).optional(),
  files: z.array(z.strictObject({ paths: z.array(z.string().min(1)).min(1), label })).optional(),
  tests: z.array(z.strictObject({
    name: z.string().optional(),
    tool: z.string().min(1),
    args: z.record(z.string(), z.unknown()),
    mode: z.enum(MODES).optional(),
    expect: action,
  })).optional(),
});
