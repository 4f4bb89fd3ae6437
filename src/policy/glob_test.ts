import assert from "node:assert/strict";
import { absolutePattern, matchesHost, matchesPath } from "./glob.ts";

Deno.test("matchesPath() reads *, ** and ? as users expect", () => {
  assert.ok(matchesPath("/h/notes", "/h/notes/**"));
  assert.ok(matchesPath("/h/notes/a/b.md", "/h/notes/**"));
  assert.ok(!matchesPath("/h/notes-old/a", "/h/notes/**"));
  assert.ok(matchesPath("/h/a/secrets/k", "/h/**/secrets/**"));
  assert.ok(matchesPath("/h/secrets/k", "/h/**/secrets/**"));
  assert.ok(matchesPath("/w/a.md", "/w/*.md") && !matchesPath("/w/x/a.md", "/w/*.md"));
  assert.ok(matchesPath("/w/a1.md", "/w/a?.md"));
  assert.ok(!matchesPath("/w/a.mdx", "/w/*.md"));
});

Deno.test("absolutePattern() expands ~ and anchors relative patterns", () => {
  assert.equal(absolutePattern("~/notes/**", "/w", "/home/u"), "/home/u/notes/**");
  assert.equal(absolutePattern("docs/*.md", "/w/", "/home/u"), "/w/docs/*.md");
});

Deno.test("matchesHost() matches names, ports and subdomain wildcards", () => {
  assert.ok(matchesHost("api.github.com:443", "api.github.com"));
  assert.ok(matchesHost("api.github.com:443", "*.github.com"));
  assert.ok(!matchesHost("github.com.evil.io:443", "*.github.com"));
  assert.ok(!matchesHost("api.github.com:8443", "api.github.com:443"));
  assert.ok(!matchesHost("127.0.0.1:80", "localhost"));
});
