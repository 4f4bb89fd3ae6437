/**
 * Whether a model takes images: config.json's `models` entry first, then what Ollama's `/api/show` says (`vision`),
 * then PAI's table of OpenAI's and Anthropic's models. Where nothing says, PAI takes it that the model does not:
 * an image is refused before anything is sent rather than dropped or sent where it fails.
 */
import type { ModelsConfig } from "../store/config_schema.ts";
import { probeCapabilities } from "./local_probe.ts";
import { configOverride } from "./model_windows.ts";
import type { ResolvedProvider } from "./registry.ts";

/** OpenAI's models that take images (GPT-4o and later, the o-series except its mini models before o4). */
const OPENAI_IMAGES = /^(?:chatgpt-4o|gpt-4o|gpt-4\.1|gpt-4\.5|gpt-4-turbo|gpt-5|o1(?!-mini)|o3(?!-mini)|o4)/;
/** Anthropic's: every Claude model from Claude 3 on (not Claude 2 or Instant). */
const ANTHROPIC_IMAGES = /^claude-(?!2|instant)/;

/** Whether `model` at `resolved` takes images, and what says so (for a refusal's message). */
export async function takesImages(
  resolved: ResolvedProvider,
  models: ModelsConfig | undefined,
): Promise<{ images: boolean; source: string }> {
  const configured = configOverride(resolved.spec.name, resolved.model, models)?.images;
  if (configured !== undefined) return { images: configured, source: "config.json's models" };
  switch (resolved.spec.name) {
    case "openai":
      return { images: OPENAI_IMAGES.test(resolved.model), source: "PAI's table of OpenAI's models" };
    case "anthropic":
      return { images: ANTHROPIC_IMAGES.test(resolved.model), source: "PAI's table of Anthropic's models" };
    case "ollama": {
      const [capabilities] = await probeCapabilities(resolved, [resolved.model]);
      return capabilities
        ? { images: capabilities.includes("vision"), source: "Ollama's /api/show" }
        : { images: false, source: "Ollama did not say (no answer from /api/show)" };
    }
    default:
      return { images: false, source: `nothing says so for ${resolved.spec.name}` };
  }
}
