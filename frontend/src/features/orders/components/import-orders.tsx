import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { toast } from 'sonner';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Checkbox, Input } from '@/components/ui/input';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { Table, type Column } from '@/components/ui/table';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api-client';
import { useIdempotencyKeys } from '@/lib/idempotency';
import { t } from '@/locales';
import type { ImportJobView, ImportRowResult } from '@/types/api';

import { isImportFinished, useImport } from '../api/get-import';
import { IMPORT_LIMITS, orderCsvTemplateHref, useImportOrders } from '../api/import-orders';

import styles from './orders.module.css';

const MAX_MB = IMPORT_LIMITS.maxBytes / (1024 * 1024);

export function ImportOrders() {
  const [open, setOpen] = useState(false);
  const labels = t.orders.import;
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        {labels.open}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={labels.title} description={labels.description} size="lg">
        <ImportOrdersBody onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function ImportOrdersBody({ onDone }: { onDone: () => void }) {
  const importOrders = useImportOrders();
  const keys = useIdempotencyKeys();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const labels = t.orders.import;

  if (jobId) {
    return (
      <ImportJob
        id={jobId}
        onAnother={() => {
          setJobId(null);
          setFile(null);
          setInputKey((key) => key + 1);
          importOrders.reset();
        }}
        onDone={onDone}
      />
    );
  }

  const submit = () => {
    if (!file) {
      setFileError(t.validation.required);
      return;
    }
    if (file.size > IMPORT_LIMITS.maxBytes) {
      setFileError(labels.tooLarge(MAX_MB));
      return;
    }
    // The same file sent again (a retry after a network error) reuses its key, so no row is created twice.
    const idempotencyKey = keys.keyFor(`${file.name}\n${file.size}\n${file.lastModified}`);
    importOrders.mutate(
      { file, idempotencyKey },
      {
        onSuccess: (job) => {
          keys.reset();
          setJobId(job.id);
        },
      },
    );
  };

  return (
    <FormStack
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <p className={styles.hint}>
        {labels.columnsHint}{' '}
        <a href={orderCsvTemplateHref()} download="cargoflow-orders-template.csv">
          {labels.template}
        </a>
      </p>
      <Field label={labels.file} hint={labels.fileHint(IMPORT_LIMITS.maxRows, MAX_MB)} error={fileError ?? undefined}>
        <Input
          key={inputKey}
          type="file"
          accept=".csv,text/csv"
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null);
            setFileError(null);
            importOrders.reset();
          }}
        />
      </Field>
      {importOrders.isError && <ImportError error={importOrders.error} />}
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {t.common.cancel}
        </Button>
        <Button type="submit" isLoading={importOrders.isPending}>
          {importOrders.isPending ? labels.uploading : labels.upload}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}

/** Why the whole file was refused: the server's message and, for header problems, its details. */
function ImportError({ error }: { error: unknown }) {
  const message = isApiError(error) ? error.message : t.errors.unexpected;
  const details = isApiError(error) ? Object.entries(error.fields) : [];
  const requestId = isApiError(error) ? error.requestId : null;
  return (
    <div className={styles.alert} role="alert">
      <strong>{t.orders.import.failedTitle}</strong>
      <p>{message}</p>
      {details.length > 0 && (
        <ul>
          {details.map(([field, reason]) => (
            <li key={field}>
              <code>{field}</code>: {reason}
            </li>
          ))}
        </ul>
      )}
      {requestId && <p className={styles.mono}>{t.errors.reference(requestId)}</p>}
    </div>
  );
}

/** Follows the job: progress while it runs, then the summary and the per-row report. */
function ImportJob({ id, onAnother, onDone }: { id: string; onAnother: () => void; onDone: () => void }) {
  const job = useImport(id);
  const labels = t.orders.import;
  const data = job.data;
  const finished = !!data && isImportFinished(data.status);
  const announced = useRef(false);
  useEffect(() => {
    if (!finished || !data || announced.current) return;
    announced.current = true;
    if (data.created > 0) toast.success(labels.summary(data.created, data.failed, data.total_rows ?? data.processed_rows));
  }, [finished, data, labels]);
  if (!finished) {
    const total = data?.total_rows ?? 0;
    return (
      <div style={{ display: 'grid', gap: 'var(--space-4)' }}>
        {job.isError ? (
          <p role="alert">{labels.loadFailed}</p>
        ) : (
          <>
            <p role="status">{!data || data.status === 'QUEUED' ? labels.queued : labels.progress(data.processed_rows, total)}</p>
            <progress aria-label={labels.progressLabel} max={total || 1} value={data?.processed_rows ?? 0} style={{ width: '100%' }} />
          </>
        )}
        <DialogFooter>
          <Button onClick={onDone}>{labels.done}</Button>
        </DialogFooter>
      </div>
    );
  }
  return <ImportResults result={data} onAnother={onAnother} onDone={onDone} />;
}

function ImportResults({ result, onAnother, onDone }: { result: ImportJobView; onAnother: () => void; onDone: () => void }) {
  const [onlyErrors, setOnlyErrors] = useState(result.failed > 0 && result.created > 0);
  const labels = t.orders.import;
  const total = result.total_rows ?? result.processed_rows;
  const allRows = result.rows ?? [];
  const rows = onlyErrors ? allRows.filter((row) => row.status !== 'created') : allRows;

  const columns: Column<ImportRowResult>[] = [
    { id: 'row', header: labels.columns.row, cell: (row) => row.row, muted: true },
    {
      id: 'reference',
      header: labels.columns.reference,
      rowHeader: true,
      cell: (row) => <span className={styles.reference}>{row.reference_code ?? t.common.emptyValue}</span>,
    },
    {
      id: 'result',
      header: labels.columns.result,
      cell: (row) =>
        row.status === 'created' ? (
          <Badge tone="success">{labels.createdBadge}</Badge>
        ) : (
          <Badge tone="danger">{labels.errorBadge}</Badge>
        ),
    },
    {
      id: 'details',
      header: labels.columns.details,
      cell: (row) =>
        row.status === 'created' && row.order_id ? (
          <Link to={paths.ops.order(row.order_id)}>{labels.viewOrder}</Link>
        ) : (
          <ul className={styles.errorList}>
            {Object.entries(row.errors ?? {}).map(([column, reason]) => (
              <li key={column}>
                <code>{column}</code>: {reason}
              </li>
            ))}
          </ul>
        ),
    },
  ];

  return (
    <div style={{ display: 'grid', gap: 'var(--space-4)' }}>
      <p role="status">
        <strong>{labels.summary(result.created, result.failed, total)}</strong>
      </p>
      {result.error && (
        <p className={styles.alert} role="alert">
          {labels.jobFailed} {result.error}
        </p>
      )}
      {result.report_url && (
        <p>
          {labels.reportHint}{' '}
          <a href={result.report_url} download={`import-${result.id}.json`}>
            {labels.report}
          </a>
        </p>
      )}
      {result.rows && result.failed > 0 && result.created > 0 && (
        <Checkbox label={labels.onlyErrors} checked={onlyErrors} onChange={(event) => setOnlyErrors(event.target.checked)} />
      )}
      {result.rows && (
        <div style={{ maxHeight: '50vh', overflow: 'auto', border: '1px solid var(--color-border)', borderRadius: 'var(--radius)' }}>
          <Table caption={labels.summary(result.created, result.failed, total)} columns={columns} rows={rows} getRowId={(row) => String(row.row)} />
        </div>
      )}
      <DialogFooter>
        <Button variant="secondary" onClick={onAnother}>
          {labels.another}
        </Button>
        <Button onClick={onDone}>{labels.done}</Button>
      </DialogFooter>
    </div>
  );
}
