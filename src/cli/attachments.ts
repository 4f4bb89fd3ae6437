/**
 * `-a/--attach FILE` on `prompt`, `chat` and `agent`: files sent with the message. An attachment is data as a
 * resource is: labelled by the policy's file rules, the resources that cover it and the label a run left on it
 * (judged at its real path and the path given, so a link is judged as what it leads to), refused for a provider
 * that may not receive that label, scanned with the message (text), and recorded with its real path as a source.
 * A text file goes inline with its name; an image (PNG, JPEG, GIF, WebP) goes as an image to a model that takes
 * images, and is refused for one that does not. Nothing is sent when any attachment is refused.
 */
import { EXIT, PaiError } from "../core/errors.ts";
import { higherLabel, type ImagePart, type Label } from "../core/types.ts";
import type { TurnContext } from "../modes/engine.ts";
import type { ModelTarget } from "../modes/model_targets.ts";
import type { SessionContext } from "../modes/session_setup.ts";
import { mayReceive } from "../policy/labels.ts";
import { untouchable } from "../policy/protected_paths.ts";
import { sha256Hex } from "../policy/load_policy.ts";
import { takesImages } from "../providers/model_images.ts";
import { paiPaths } from "../core/paths.ts";
import { loadResources } from "../resources/registry.ts";
import { liveWrittenLabels } from "../store/written_labels.ts";
import { MAX_STDIN_BYTES } from "./stdin.ts";
import { labelRefusal, pathLabeler, runTargets, withResources } from "./turn_setup.ts";

/** The most bytes of one attached image (Anthropic's limit per image; OpenAI's is higher). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** What the input is once its attachments are added: its text, label, sources, and the images to send with it. */
export interface AttachedInput {
  text: string;
  label?: Label;
  sources?: string[];
  images?: ImagePart[];
}

/** What a run attaches: registered resources (`--resource`) and files (`--attach`). */
export interface Attachments {
  resources?: readonly string[];
  files?: readonly string[];
}

/** The input with its `--resource` and `--attach` attachments, each judged before anything is sent. */
export async function withAttachments(
  ctx: TurnContext & SessionContext,
  attachments: Attachments,
  text: string,
): Promise<AttachedInput> {
  const input: AttachedInput = await withResources(ctx, attachments.resources ?? [], text);
  const files = attachments.files ?? [];
  if (!files.length) return input;
  const resources = await loadResources(paiPaths().configDir);
  const written = await liveWrittenLabels(ctx.db);
  const labelOf = pathLabeler(ctx, resources, written);
  const targets = runTargets(ctx);
  const parts: string[] = [];
  const images: ImagePart[] = [];
  let label = input.label;
  const sources = [...input.sources ?? []];
  for (const file of files) {
    const found = await readAttachment(file);
    const fileLabelled = [found.absolute, found.real].map(labelOf).reduce(higherLabel);
    // The model that would get it: the main one, or the local one for data the main one may not receive.
    const target = mayReceive(targets.main.ceiling, fileLabelled) ? targets.main : targets.local;
    if (!target || !mayReceive(target.ceiling, fileLabelled)) {
      throw labelRefusal(`--attach "${file}"`, fileLabelled, targets);
    }
    if (fileLabelled === "private" || fileLabelled === "secret") {
      ctx.tools?.taint?.(`attachment "${file}" (labelled ${fileLabelled})`);
    }
    const name = attribute(file);
    if (found.image) {
      // Every model the run may send it to takes images: a later request of the run may go to the local model.
      for (const model of new Set([target, ...(targets.local ? [targets.local] : [])])) {
        await refuseImageFor(model, ctx, file);
      }
      images.push({ name: file, mediaType: found.image, base64: found.bytes.toBase64() });
      const sha256 = await sha256Hex(found.bytes);
      parts.push(
        `<image name="${name}" type="${found.image}" bytes="${found.bytes.length}" sha256="${sha256}" ` +
          `label="${fileLabelled}"/>`,
      );
    } else {
      parts.push(`<file name="${name}" label="${fileLabelled}">\n${found.text.replace(/\n$/, "")}\n</file>`);
    }
    label = label ? higherLabel(label, fileLabelled) : fileLabelled;
    sources.push(found.real);
  }
  return {
    text: `${input.text}\n\n${parts.join("\n\n")}`,
    label,
    sources,
    ...(images.length ? { images } : {}),
  };
}

/** An attached file, read: where it is, and its text or its image type and bytes. */
type Found =
  & { absolute: string; real: string; bytes: Uint8Array }
  & (
    | { image: ImagePart["mediaType"]; text?: undefined }
    | { image?: undefined; text: string }
  );

/** Reads an attachment, refusing what is not a regular file, too large, or neither text nor an image. */
async function readAttachment(file: string): Promise<Found> {
  const absolute = file.startsWith("/") ? file : `${Deno.cwd()}/${file}`;
  let real: string;
  let info: Deno.FileInfo;
  try {
    real = await Deno.realPath(absolute);
    info = await Deno.lstat(real);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "no such file" : "it cannot be read";
    throw new PaiError(`--attach "${file}": ${why}`, { exitCode: EXIT.USAGE });
  }
  if (!info.isFile) {
    throw new PaiError(`--attach "${file}" is not a file`, {
      exitCode: EXIT.USAGE,
      hint: "Attach files one by one (-a A -a B), or let the agent read the folder with its tools",
    });
  }
  refuseProtected(file, absolute, real);
  // A file with other names could be a private file's second name, labelled as this one is not.
  if ((info.nlink ?? 1) > 1) {
    throw new PaiError(`--attach "${file}" has other names (hard links): its label cannot be told from this one`, {
      exitCode: EXIT.USAGE,
      hint: "Attach a copy of it, or register it as a resource with its label",
    });
  }
  if (info.size > MAX_STDIN_BYTES) throw tooLarge(file, info.size, MAX_STDIN_BYTES);
  const bytes = await readSame(file, real, info);
  const image = imageType(bytes);
  if (image) {
    if (bytes.length > MAX_IMAGE_BYTES) throw tooLarge(file, bytes.length, MAX_IMAGE_BYTES);
    return { absolute, real, bytes, image };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = "\0";
  }
  if (text.includes("\0")) {
    throw new PaiError(`--attach "${file}" is neither text (UTF-8) nor an image PAI can send (PNG, JPEG, GIF, WebP)`, {
      exitCode: EXIT.USAGE,
    });
  }
  return { absolute, real, bytes, text };
}

/** Refuses a file tools may never read, wherever the path given leads: `.env` files, folders of secrets, PAI's state. */
function refuseProtected(file: string, absolute: string, real: string): void {
  const found = untouchable([absolute, real], Deno.env.get("HOME") ?? "", paiPaths());
  if (!found) return;
  const why = found.kind === "env" ? "a .env file" : `in "${found.folder}", a folder of secrets or PAI's own state`;
  throw new PaiError(`--attach "${file}" leads to "${real}", ${why}: PAI never reads it for a model`, {
    exitCode: EXIT.POLICY,
  });
}

/**
 * Reads the file that was labelled, through one open handle: the same file (device and inode) as the path resolved
 * to, so that a path swapped for a link in between (by another user of a shared folder) is refused, not followed.
 */
async function readSame(file: string, real: string, labelled: Deno.FileInfo): Promise<Uint8Array> {
  const handle = await Deno.open(real, { read: true });
  try {
    const opened = await handle.stat();
    if (opened.dev !== labelled.dev || opened.ino !== labelled.ino || !opened.isFile) {
      throw new PaiError(`--attach "${file}" changed while it was read: nothing was sent`, { exitCode: EXIT.FAILURE });
    }
    return new Uint8Array(await new Response(handle.readable).arrayBuffer());
  } catch (error) {
    try {
      handle.close();
    } catch { /* closed by its stream */ }
    throw error;
  }
}

function tooLarge(file: string, size: number, limit: number): PaiError {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return new PaiError(`--attach "${file}" is ${mib(size)}: the most PAI attaches is ${mib(limit)}`, {
    exitCode: EXIT.USAGE,
    hint: "Attach a part of it, or let the agent read it with its tools",
  });
}

/** The image type the file's first bytes say (not its name: a renamed file is what it is). */
function imageType(bytes: Uint8Array): ImagePart["mediaType"] | undefined {
  const starts = (...b: number[]) => b.every((x, i) => bytes[i] === x);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return undefined;
}

/** Refuses an image for a model that does not take images (before anything is sent). */
async function refuseImageFor(target: ModelTarget, ctx: SessionContext, file: string): Promise<void> {
  const { images, source } = await takesImages(target.resolved, ctx.config.models);
  if (images) return;
  throw new PaiError(`--attach "${file}" is an image, and ${target.name} does not take images (${source})`, {
    exitCode: EXIT.USAGE,
    hint:
      'Choose a model that does (-m openai:gpt-4o), or say so in config.json: "models": {"MODEL": {"images": true}}',
  });
}

/** A value inside an envelope's attribute: its quotes and angle brackets escaped, so it cannot end the tag. */
function attribute(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
