import { t } from '@/locales';

import { Button } from './button';

type RowActionsProps = {
  /** Name of the row's record, announced with each action ("Edit Jane Doe"). */
  name: string;
  onEdit?: (() => void) | undefined;
  onDeactivate?: (() => void) | undefined;
  deactivateLabel: string;
};

/** Edit / Deactivate buttons for a table row. */
export function RowActions({ name, onEdit, onDeactivate, deactivateLabel }: RowActionsProps) {
  return (
    <div style={{ display: 'inline-flex', gap: 'var(--space-1)' }}>
      {onEdit && (
        <Button variant="ghost" size="sm" onClick={onEdit}>
          {t.common.edit}
          <span className="visually-hidden"> {name}</span>
        </Button>
      )}
      {onDeactivate && (
        <Button variant="ghost" size="sm" onClick={onDeactivate} style={{ color: 'var(--color-danger)' }}>
          {deactivateLabel}
          <span className="visually-hidden"> {name}</span>
        </Button>
      )}
    </div>
  );
}
