import type { ApiClient } from '@/lib/api-client';
import type { PodContentType, PodFileKind, PodUpload, PodUploadsResponse } from '@/types/api';

/** The backend's limits for POD files. */
export const POD_LIMITS = { photoBytes: 10 * 1024 * 1024, signatureBytes: 1024 * 1024 } as const;
export const POD_CONTENT_TYPES: readonly PodContentType[] = ['image/jpeg', 'image/png', 'image/webp'];

export type PodFile = { kind: PodFileKind; blob: Blob };

/** Checks a file against the limits before asking for an upload URL; returns an error key or null. */
export function podFileProblem(file: PodFile): 'type' | 'size' | null {
  if (!POD_CONTENT_TYPES.includes(file.blob.type as PodContentType)) return 'type';
  const max = file.kind === 'photo' ? POD_LIMITS.photoBytes : POD_LIMITS.signatureBytes;
  return file.blob.size > 0 && file.blob.size <= max ? null : 'size';
}

/** create_pod_uploads: one presigned PUT per file (the order must be IN_TRANSIT on a started route). */
export const createPodUploads = async (api: ApiClient, orderId: string, files: PodFile[]): Promise<PodUpload[]> => {
  const response = await api.post<PodUploadsResponse>(`/api/driver/orders/${encodeURIComponent(orderId)}/pod/uploads`, {
    files: files.map((file) => ({ kind: file.kind, content_type: file.blob.type, size: file.blob.size })),
  });
  return response.uploads;
};
