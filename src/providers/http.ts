/** Small HTTP helpers shared by the adapters: quota-aware fetch and a bounded probe. */

/** Phrases by which providers say "your quota or spend limit is reached" in a 429. */
const QUOTA_MARKERS =
  /insufficient_quota|exceeded your current quota|spend(ing)? limit|billing|credit balance|quota exceeded/i;

/** Header set on a 429 that is about quota, read by the SDKs' retry logic and by PAI's error mapping. */
export const QUOTA_HEADER = "x-pai-quota-exhausted";

/**
 * A `fetch` for the SDKs: a 429 that means "quota or spend limit reached"
 * gets `x-should-retry: false` (which both SDKs obey), because waiting will
 * not help and retrying only repeats the refusal. Other 429s are retried
 * with the SDKs' backoff, which honours `retry-after` and `retry-after-ms`.
 */
export async function quotaAwareFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (response.status !== 429) return response;
  const body = await response.text();
  const headers = new Headers(response.headers);
  if (QUOTA_MARKERS.test(body)) {
    headers.set("x-should-retry", "false");
    headers.set(QUOTA_HEADER, "1");
  }
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * GETs a URL with a short time limit and returns its JSON, or `undefined`
 * when nothing answers in time (so that listing providers never hangs).
 */
export async function probeJson(url: string, timeoutMs: number, headers?: HeadersInit): Promise<unknown> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    return await response.json();
  } catch {
    return undefined;
  }
}
