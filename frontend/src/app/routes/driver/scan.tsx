import { ScanOrder } from '@/features/driver/components/scan-order';

export default function DriverScanRoute() {
  return <ScanOrder />;
}
