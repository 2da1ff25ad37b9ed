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
