import { Badge, type BadgeTone } from '@/components/ui/badge';
import { t } from '@/locales';
import type { ExceptionStatus } from '@/types/api';

const TONES: Record<ExceptionStatus, BadgeTone> = {
  OPEN: 'danger',
  ACKNOWLEDGED: 'warning',
  RESOLVED: 'success',
};

export function ExceptionStatusBadge({ status }: { status: ExceptionStatus }) {
  return (
    <Badge tone={TONES[status]} dot>
      {t.exceptionStatuses[status]}
    </Badge>
  );
}
