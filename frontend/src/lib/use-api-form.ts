import { zodResolver } from '@hookform/resolvers/zod';
import type { FormEvent } from 'react';
import { useForm, type DefaultValues, type FieldValues, type Path, type UseFormReturn } from 'react-hook-form';
import { toast } from 'sonner';
import type { z } from 'zod';

import { applyApiFieldErrors } from './form-errors';
import { useIdempotencyKeys } from './idempotency';

export type ApiFormOptions<TValues extends FieldValues, TInput, TResult> = {
  /** Checks the fields and turns them into the request (`TValues` in, `TInput` out). */
  schema: z.ZodType<TInput, TValues>;
  defaultValues: DefaultValues<TValues>;
  /**
   * The fields the server's per-field messages are shown on (the first one is focused); a
   * message about any other field stays in the error toast.
   */
  serverFields: readonly Path<TValues>[];
  /**
   * Sends the checked input (usually a mutation's `mutateAsync`); rejects with the API's error.
   * `idempotencyKey(body)` is the `Idempotency-Key` for that body: the same while the user
   * retries it, a new one once the body changed or after a success (lib/idempotency.ts).
   */
  submit: (input: TInput, context: { idempotencyKey: (body: unknown) => string }) => Promise<TResult>;
  /** Shown as a success toast once `submit` resolved (nothing when it returns null). */
  successMessage?: (result: TResult, input: TInput) => string | null;
  /** After a success (and its toast). */
  onSuccess?: (result: TResult, input: TInput) => void | Promise<void>;
  /**
   * Sees a failure first: returns true when it dealt with it (e.g. a 409 the mutation already
   * toasted), otherwise the server's field messages go onto the fields.
   */
  onFailure?: (error: unknown) => boolean;
};

export type ApiForm<TValues extends FieldValues, TInput> = {
  form: UseFormReturn<TValues, unknown, TInput>;
  /** The form's onSubmit handler. */
  onSubmit: (event?: FormEvent) => void;
};

/**
 * React Hook Form with a zod schema, wired to an API call the way every form here works: the
 * schema checks the fields first; a success is toasted; a refusal's per-field messages
 * (`error.fields`) are shown on the fields, the first one focused, while the overall message
 * is toasted by the query client (lib/react-query.ts).
 */
export function useApiForm<TValues extends FieldValues, TInput, TResult>(
  options: ApiFormOptions<TValues, TInput, TResult>,
): ApiForm<TValues, TInput> {
  const form = useForm<TValues, unknown, TInput>({
    resolver: zodResolver(options.schema),
    defaultValues: options.defaultValues,
  });
  const { setError } = form;
  const keys = useIdempotencyKeys();
  const context = { idempotencyKey: (body: unknown) => keys.keyFor(JSON.stringify(body)) };

  const handle = form.handleSubmit(async (input) => {
    let result: TResult;
    try {
      result = await options.submit(input, context);
    } catch (error) {
      if (!options.onFailure?.(error)) applyApiFieldErrors(error, setError, options.serverFields);
      return;
    }
    keys.reset();
    const message = options.successMessage?.(result, input);
    if (message) toast.success(message);
    await options.onSuccess?.(result, input);
  });

  return { form, onSubmit: (event) => void handle(event) };
}
