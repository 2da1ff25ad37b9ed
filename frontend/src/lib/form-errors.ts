import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';

import { isApiError } from './api-client';

/**
 * Copies the server's per-field messages (`error.fields`) onto React Hook Form
 * fields and focuses the first one. Only names listed in `knownFields` are
 * mapped, so a server field the form does not render is never silently lost:
 * it stays in the toast that shows the overall message.
 *
 * The API words field reasons as fragments ("must be a valid email address");
 * they are shown under the field label with a capital first letter.
 *
 * Returns the names that were mapped.
 */
export function applyApiFieldErrors<TValues extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<TValues>,
  knownFields: readonly Path<TValues>[],
): Path<TValues>[] {
  if (!isApiError(error)) return [];
  const mapped: Path<TValues>[] = [];
  for (const name of knownFields) {
    const reason = error.fields[name];
    if (reason) {
      const message = reason.charAt(0).toUpperCase() + reason.slice(1);
      setError(name, { type: 'server', message }, { shouldFocus: mapped.length === 0 });
      mapped.push(name);
    }
  }
  return mapped;
}

/** The API names nested fields `stops[1].lat`; React Hook Form names them `stops.1.lat`. */
export const toFormPath = (serverField: string): string => serverField.replace(/\[(\d+)\]/g, '.$1');

/**
 * Like `applyApiFieldErrors`, for forms with nested and array fields: each
 * server field name (`stops[1].lat`, `package.items[0].quantity`) is turned
 * into a form path (`stops.1.lat`) and passed to `resolve`, which returns the
 * form field to show it on (the same path, another one, e.g. `stops.root` for
 * a rule about the whole list) or null when the form does not render it.
 *
 * Returns the fields that were mapped and the server fields that were not
 * (keyed by the server's name), so the form can list the latter.
 */
export function applyNestedApiFieldErrors<TValues extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<TValues>,
  resolve: (formPath: string) => Path<TValues> | null,
): { mapped: Path<TValues>[]; unmapped: Record<string, string> } {
  const mapped: Path<TValues>[] = [];
  const unmapped: Record<string, string> = {};
  if (!isApiError(error)) return { mapped, unmapped };
  for (const [field, reason] of Object.entries(error.fields)) {
    const message = reason.charAt(0).toUpperCase() + reason.slice(1);
    const target = resolve(toFormPath(field));
    if (target === null) {
      unmapped[field] = message;
      continue;
    }
    // Focus goes to the first field only (React Hook Form focuses registered inputs).
    setError(target, { type: 'server', message }, { shouldFocus: mapped.length === 0 });
    mapped.push(target);
  }
  return { mapped, unmapped };
}
