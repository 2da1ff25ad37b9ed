import { useEffect, useId, useRef, type ReactNode } from 'react';

import { t } from '@/locales';

import { Button } from './button';
import styles from './dialog.module.css';
import { CloseIcon } from './icons';

type DialogProps = {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  /** `lg` for wide content such as a results table. */
  size?: 'md' | 'lg';
  children: ReactNode;
};

/**
 * Modal dialog on the native <dialog> element: focus is moved inside and
 * trapped, Escape closes it, and focus returns to the opener afterwards.
 * Opening focuses the first focusable element of the content (the browser's
 * dialog focusing steps): a form's first field, a confirmation's Cancel. The
 * close button comes last for that reason, placed top right by the styles.
 * Content is mounted only while open, so forms start fresh each time.
 */
export function Dialog({ open, onClose, title, description, size = 'md', children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className={size === 'lg' ? `${styles.dialog} ${styles.large}` : styles.dialog}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={onClose}
    >
      {open && (
        <>
          <header className={styles.header}>
            <h2 id={titleId} className={styles.title}>
              {title}
            </h2>
            {description && (
              <p id={descriptionId} className={styles.description}>
                {description}
              </p>
            )}
          </header>
          <div className={styles.body}>{children}</div>
          {/* Last in the DOM (shown top right): opening focuses the first field or button of the body. */}
          <button type="button" className={styles.close} onClick={onClose} aria-label={t.common.close}>
            <CloseIcon />
          </button>
        </>
      )}
    </dialog>
  );
}

export function DialogFooter({ children }: { children: ReactNode }) {
  return <div className={styles.footer}>{children}</div>;
}

type ConfirmDialogProps = {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  isPending?: boolean;
  tone?: 'danger' | 'primary';
};

export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  description,
  confirmLabel,
  isPending = false,
  tone = 'danger',
}: ConfirmDialogProps) {
  return (
    <Dialog open={open} onClose={onClose} title={title} description={description}>
      <DialogFooter>
        {/* First, so it has the focus when the dialog opens: the safe choice. */}
        <Button variant="secondary" onClick={onClose}>
          {t.common.cancel}
        </Button>
        <Button variant={tone} onClick={onConfirm} isLoading={isPending}>
          {confirmLabel}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
