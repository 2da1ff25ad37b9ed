import { ApiError } from '@/lib/api-client';
import { t } from '@/locales';
import type { PodUpload } from '@/types/api';

/**
 * PUTs a file straight to S3 through its presigned URL with exactly the headers
 * the API signed. XMLHttpRequest rather than fetch: it reports upload progress.
 */
export function uploadFile(
  upload: PodUpload,
  blob: Blob,
  onProgress?: (loaded: number, total: number) => void,
  XhrImpl: typeof XMLHttpRequest = XMLHttpRequest,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XhrImpl();
    xhr.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers)) {
      // The browser sets Content-Length itself and refuses to have it set.
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : blob.size);
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve()
        : reject(new ApiError({ status: xhr.status, code: `upload_${xhr.status}`, message: t.driverApp.pod.uploadFailed }));
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network_error', message: t.errors.network }));
    xhr.send(blob);
  });
}
