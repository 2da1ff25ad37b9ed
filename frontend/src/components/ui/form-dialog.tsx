import type { ReactNode } from 'react';
import { useWatch, type Control, type FieldValues, type UseFormReturn } from 'react-hook-form';

import { useApiForm, type ApiFormOptions } from '@/lib/use-api-form';
import { t } from '@/locales';

import { Button, type ButtonSize } from './button';
import { Dialog, DialogFooter } from './dialog';
import { FormStack } from './form-layout';

type DialogFormProps<TValues extends FieldValues, TInput, TResult> = ApiFormOptions<TValues, TInput, TResult> & {
  /** Cancel, and what happens after a success or a failure `onFailure` dealt with. */
  onClose: () => void;
  submitLabel: ReactNode | ((values: TValues) => ReactNode);
  /** While true, the submit button is disabled (e.g. nothing chosen yet). */
  submitDisabled?: (values: TValues) => boolean;
  cancelLabel?: string;
  tone?: 'primary' | 'danger';
  buttonSize?: ButtonSize;
  /** The fields. Put the first one first: the dialog focuses it when it opens. */
  children: (form: UseFormReturn<TValues, unknown, TInput>) => ReactNode;
};

/**
 * The form of a dialog (see `useApiForm`): its fields, then Cancel and the submit button. The
 * dialog closes after a success. Use it inside `<Dialog>` when the form needs something that
 * exists only while the dialog is open (the record being edited); otherwise use `FormDialog`.
 */
export function DialogForm<TValues extends FieldValues, TInput, TResult>({
  onClose,
  submitLabel,
  submitDisabled,
  cancelLabel = t.common.cancel,
  tone = 'primary',
  buttonSize,
  children,
  onSuccess,
  onFailure,
  ...options
}: DialogFormProps<TValues, TInput, TResult>) {
  const { form, onSubmit } = useApiForm<TValues, TInput, TResult>({
    ...options,
    onSuccess: async (result, input) => {
      onClose();
      await onSuccess?.(result, input);
    },
    onFailure: (error) => {
      if (!onFailure?.(error)) return false;
      onClose();
      return true;
    },
  });

  return (
    <FormStack onSubmit={onSubmit}>
      {children(form)}
      <DialogFooter>
        <Button variant="secondary" size={buttonSize} onClick={onClose}>
          {cancelLabel}
        </Button>
        <SubmitButton
          control={form.control}
          label={submitLabel}
          disabled={submitDisabled}
          tone={tone}
          size={buttonSize}
          isLoading={form.formState.isSubmitting}
        />
      </DialogFooter>
    </FormStack>
  );
}

type SubmitButtonProps<TValues extends FieldValues, TInput> = {
  control: Control<TValues, unknown, TInput>;
  label: ReactNode | ((values: TValues) => ReactNode);
  disabled: ((values: TValues) => boolean) | undefined;
  tone: 'primary' | 'danger';
  size: ButtonSize | undefined;
  isLoading: boolean;
};

/** Re-renders on every change only when its label or state depends on the values. */
function SubmitButton<TValues extends FieldValues, TInput>({
  control,
  label,
  disabled,
  tone,
  size,
  isLoading,
}: SubmitButtonProps<TValues, TInput>) {
  const dynamic = typeof label === 'function' || disabled !== undefined;
  const values = useWatch({ control, disabled: !dynamic }) as TValues;
  return (
    <Button type="submit" variant={tone} size={size} isLoading={isLoading} disabled={dynamic && disabled?.(values)}>
      {typeof label === 'function' ? label(values) : label}
    </Button>
  );
}

type FormDialogProps<TValues extends FieldValues, TInput, TResult> = DialogFormProps<TValues, TInput, TResult> & {
  open: boolean;
  title: string;
  description?: ReactNode;
  size?: 'md' | 'lg';
};

/**
 * A modal dialog holding one form (`DialogForm`): mounted fresh on every opening, so it starts
 * from `defaultValues`; Escape or Cancel closes it, and focus returns to the opener.
 */
export function FormDialog<TValues extends FieldValues, TInput, TResult>({
  open,
  title,
  description,
  size,
  ...form
}: FormDialogProps<TValues, TInput, TResult>) {
  return (
    <Dialog open={open} onClose={form.onClose} title={title} description={description} size={size}>
      <DialogForm {...form} />
    </Dialog>
  );
}
