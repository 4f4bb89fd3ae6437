/** Tool results are capped before they go back to the model, with a note saying what was cut. */

/** The most characters of one tool result the model sees. */
export const MODEL_RESULT_CAP = 32_000;

/** `text`, cut to `cap` characters with a note when longer. */
export function capForModel(text: string, cap = MODEL_RESULT_CAP): string {
  if (text.length <= cap) return text;
  return `${text.slice(0, cap)}\n[PAI cut this result: showing the first ${cap} of ${text.length} characters]`;
}
