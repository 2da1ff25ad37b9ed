import { z } from 'zod';

const envSchema = z.object({
  /** Base URL of the API without a trailing slash; '' means same origin. */
  API_BASE_URL: z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || /^https?:\/\/[^\s]+$/.test(value), {
      message: 'VITE_API_BASE_URL must be empty (same origin) or an http(s) URL',
    })
    .transform((value) => value.replace(/\/+$/, '')),
  /**
   * Where the WebSockets live (`/ws/...` is appended), without a trailing slash;
   * '' means the API's origin (VITE_API_BASE_URL, or this page's).
   */
  WS_BASE_URL: z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || /^(wss?|https?):\/\/[^\s]+$/.test(value), {
      message: 'VITE_WS_BASE_URL must be empty or a ws(s):// or http(s):// URL',
    })
    .transform((value) => value.replace(/\/+$/, '')),
});

export type Env = z.infer<typeof envSchema>;

/** Parses raw VITE_* variables; throws a readable error when one is invalid. */
export function parseEnv(raw: Record<string, string | boolean | undefined>): Env {
  const candidate = Object.fromEntries(
    Object.entries(raw)
      .filter(([key]) => key.startsWith('VITE_'))
      .map(([key, value]) => [key.slice('VITE_'.length), value]),
  );
  const result = envSchema.safeParse(candidate);
  if (!result.success) {
    const details = result.error.issues.map((issue) => `- VITE_${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment variables:\n${details.join('\n')}`);
  }
  return result.data;
}

export const env = parseEnv(import.meta.env);
