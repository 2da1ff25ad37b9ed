import { useEffect, useState } from 'react';
import { toast } from 'sonner';

import { t } from '@/locales';

import { Button, type ButtonProps } from './button';
import { CopyIcon } from './icons';

type CopyButtonProps = Omit<ButtonProps, 'onClick' | 'children'> & {
  /** The text put on the clipboard. */
  text: string;
  label?: string;
  /** Toast shown once copied. */
  successMessage?: string;
};

/** Copies `text` to the clipboard and says so ("Copied" on the button for a moment). */
export function CopyButton({ text, label = t.common.copy, successMessage, variant = 'secondary', size = 'sm', ...props }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      if (successMessage) toast.success(successMessage);
    } catch {
      toast.error(t.common.copyFailed);
    }
  };

  return (
    <Button variant={variant} size={size} icon={<CopyIcon size={16} />} onClick={() => void copy()} {...props}>
      <span aria-live="polite">{copied ? t.common.copied : label}</span>
    </Button>
  );
}
