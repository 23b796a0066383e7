import type { CommandOutcome } from '@contracts';
import { AssignSeatDialog, ConfirmDialog, DedicateDialog, OfflineLicenseDialog, RegisterMachineDialog } from './license-actions';

/** What an account admin chose to do from the License Management page. */
export type LicenseAction =
  | { kind: 'assign' }
  | { kind: 'dedicate'; orgId: string | null; current: number }
  | { kind: 'offline' }
  | { kind: 'machine' }
  | { kind: 'unassign'; userId: string; name: string }
  | { kind: 'deactivate'; machineId: string; userId: string };

/** The dialog of the chosen action, for a product. */
export function LicenseActionDialog({
  action,
  product,
  onDone,
  onClose,
}: {
  action: LicenseAction;
  product: string;
  onDone: (o: CommandOutcome) => void;
  onClose: () => void;
}) {
  switch (action.kind) {
    case 'assign':
      return <AssignSeatDialog product={product} onDone={onDone} onClose={onClose} />;
    case 'dedicate':
      return <DedicateDialog product={product} orgId={action.orgId} current={action.current} onDone={onDone} onClose={onClose} />;
    case 'offline':
      return <OfflineLicenseDialog product={product} onDone={onDone} onClose={onClose} />;
    case 'machine':
      return <RegisterMachineDialog product={product} onDone={onDone} onClose={onClose} />;
    case 'unassign':
      return (
        <ConfirmDialog
          title={`Unassign the ${product} seat of ${action.name}?`}
          confirmLabel="Unassign"
          text={<>The seat returns to its pool; the user’s open sessions go on. A later assignment is activated again only by a new login.</>}
          request={{ method: 'DELETE', path: `/assignments/${encodeURIComponent(product)}/${encodeURIComponent(action.userId)}` }}
          onDone={onDone}
          onClose={onClose}
        />
      );
    case 'deactivate':
      return (
        <ConfirmDialog
          title={`Deactivate machine ${action.machineId}?`}
          confirmLabel="Deactivate"
          text={<>The machine is no longer registered for {product}. A machine bound to an unexpired offline license cannot be deactivated.</>}
          request={{
            method: 'POST',
            path: `/machines/${encodeURIComponent(product)}/${encodeURIComponent(action.machineId)}/deactivate`,
            body: { userId: action.userId },
          }}
          onDone={onDone}
          onClose={onClose}
        />
      );
  }
}
