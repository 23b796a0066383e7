import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { CommandOutcome, DirectoryUser, UsersPage } from '@contracts';
import { accountPath } from '../api/account';
import { getJson, sendCommand } from '../api/client';
import { useAccountDirectory } from '../app/console-context';
import { instantFromLocal } from '../format/format';
import { Dialog } from './Dialog';
import { ProblemMessage } from './feedback';

/** A command the page sends: method, path under the account, JSON body. */
export interface CommandRequest {
  readonly method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body?: object;
}

/**
 * Sends one command; `onDone` gets its outcome (the page then waits for the projections to show it).
 * A refusal stays on screen as the rule's own words (the problem's `detail`): nothing was changed.
 */
export function useCommand(onDone: (outcome: CommandOutcome) => void) {
  const account = useAccountDirectory();
  return useMutation({
    mutationFn: (request: CommandRequest) => sendCommand(request.method, accountPath(account.accountId, request.path), request.body),
    onSuccess: onDone,
  });
}

/** A form in a dialog that sends one command; closes on success, shows the refusal otherwise. */
export function CommandDialog({
  title,
  submitLabel,
  build,
  onDone,
  onClose,
  children,
  danger = false,
}: {
  title: string;
  submitLabel: string;
  /** The command from the form's fields, or a message saying what is missing. */
  build: () => CommandRequest | string;
  onDone: (outcome: CommandOutcome) => void;
  onClose: () => void;
  children: ReactNode;
  danger?: boolean;
}) {
  const [missing, setMissing] = useState<string | null>(null);
  const command = useCommand((outcome) => {
    onDone(outcome);
    onClose();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const request = build();
    if (typeof request === 'string') {
      setMissing(request);
      return;
    }
    setMissing(null);
    command.mutate(request);
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit}>
        {children}
        {missing && (
          <p className="problem" role="alert">
            {missing}
          </p>
        )}
        {command.isError && <ProblemMessage error={command.error} />}
        <div className="buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={command.isPending}>
            {command.isPending ? 'Sending…' : submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A user of the account, found by part of the name, email or id. */
export function UserField({ value, onChange, label = 'User' }: { value: string; onChange: (userId: string) => void; label?: string }) {
  const account = useAccountDirectory();
  const id = useId();
  const listId = useId();
  const users = useQuery({
    queryKey: ['users', account.accountId, value],
    queryFn: ({ signal }) => getJson<UsersPage>(accountPath(account.accountId, '/users'), { q: value, limit: 20 }, signal),
    staleTime: 30_000,
  });
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        list={listId}
        value={value}
        onChange={(e) => onChange(e.target.value.trim())}
        placeholder="User id, name or email"
        autoComplete="off"
        required
      />
      <datalist id={listId}>
        {(users.data?.users ?? []).map((u: DirectoryUser) => (
          <option key={u.userId} value={u.userId}>
            {u.name} · {u.email} · {u.organization}
          </option>
        ))}
      </datalist>
    </div>
  );
}

export function TextField({
  label,
  value,
  onChange,
  type = 'text',
  required = true,
  hint,
  step,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  required?: boolean;
  hint?: string;
  /** For numbers: `any` admits decimals (the default admits whole numbers). */
  step?: 'any';
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required={required}
        min={type === 'number' ? 0 : undefined}
        step={step}
      />
      {hint && <small>{hint}</small>}
    </div>
  );
}

export function AssignSeatDialog({ product, onDone, onClose }: { product: string; onDone: (o: CommandOutcome) => void; onClose: () => void }) {
  const [userId, setUserId] = useState('');
  return (
    <CommandDialog
      title={`Assign a ${product} seat`}
      submitLabel="Assign"
      onDone={onDone}
      onClose={onClose}
      build={() => (userId === '' ? 'Choose a user.' : { method: 'POST', path: '/assignments', body: { product, userId } })}
    >
      <UserField value={userId} onChange={setUserId} />
    </CommandDialog>
  );
}

export function DedicateDialog({
  product,
  orgId,
  current,
  onDone,
  onClose,
}: {
  product: string;
  orgId: string | null;
  current: number;
  onDone: (o: CommandOutcome) => void;
  onClose: () => void;
}) {
  const account = useAccountDirectory();
  const [org, setOrg] = useState(orgId ?? account.organizations[0]?.orgId ?? '');
  const [quantity, setQuantity] = useState(String(current));
  const id = useId();
  return (
    <CommandDialog
      title={`Dedicate ${product} licenses`}
      submitLabel="Dedicate"
      onDone={onDone}
      onClose={onClose}
      build={() => {
        const n = Number(quantity);
        if (org === '') return 'Choose an organization.';
        if (!Number.isInteger(n) || n < 0) return 'The quantity is a whole number, 0 or more.';
        return { method: 'PUT', path: `/dedications/${encodeURIComponent(product)}/${encodeURIComponent(org)}`, body: { quantity: n } };
      }}
    >
      <div className="field">
        <label htmlFor={id}>Organization</label>
        <select id={id} value={org} onChange={(e) => setOrg(e.target.value)}>
          {account.organizations.map((o) => (
            <option key={o.orgId} value={o.orgId}>
              {o.path}
            </option>
          ))}
        </select>
      </div>
      <TextField label="Quantity (absolute; 0 removes the dedication)" type="number" value={quantity} onChange={setQuantity} />
      <p className="hint">Taken from the parent scope’s pool: the nearest dedicated ancestor, else the account.</p>
    </CommandDialog>
  );
}

export function OfflineLicenseDialog({ product, onDone, onClose }: { product: string; onDone: (o: CommandOutcome) => void; onClose: () => void }) {
  const account = useAccountDirectory();
  const [userId, setUserId] = useState('');
  const [machineId, setMachineId] = useState('');
  const [expires, setExpires] = useState('');
  const [understood, setUnderstood] = useState(false);
  return (
    <CommandDialog
      title={`Generate a ${product} offline license`}
      submitLabel="Generate offline license"
      danger
      onDone={onDone}
      onClose={onClose}
      build={() => {
        if (userId === '' || machineId.trim() === '') return 'Choose a user and a machine.';
        if (!understood) return 'Confirm that the offline license can never be revoked.';
        const expiresAt = expires === '' ? undefined : instantFromLocal(expires, account.timezone);
        if (expiresAt === null) return 'The expiry is not a date and time.';
        return {
          method: 'POST',
          path: '/offline-licenses',
          body: { product, userId, machineId: machineId.trim(), ...(expiresAt ? { expiresAt } : {}) },
        };
      }}
    >
      <UserField value={userId} onChange={setUserId} />
      <TextField label="Machine" value={machineId} onChange={setMachineId} />
      <TextField
        label={`Expires at (${account.timezone}; empty: the latest end of the active purchases)`}
        type="datetime-local"
        required={false}
        value={expires}
        onChange={setExpires}
      />
      <p className="warning" role="note">
        An offline license <strong>can never be revoked or transferred</strong>: it holds a license unit of the user’s license source until it
        expires.
      </p>
      <label className="check">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} /> I understand it can never be revoked
      </label>
    </CommandDialog>
  );
}

export function RegisterMachineDialog({ product, onDone, onClose }: { product: string; onDone: (o: CommandOutcome) => void; onClose: () => void }) {
  const [userId, setUserId] = useState('');
  const [machineId, setMachineId] = useState('');
  return (
    <CommandDialog
      title={`Register a ${product} machine`}
      submitLabel="Register"
      onDone={onDone}
      onClose={onClose}
      build={() =>
        userId === '' || machineId.trim() === ''
          ? 'Choose a user and a machine.'
          : { method: 'POST', path: '/machines', body: { product, machineId: machineId.trim(), userId } }
      }
    >
      <UserField value={userId} onChange={setUserId} />
      <TextField label="Machine" value={machineId} onChange={setMachineId} />
    </CommandDialog>
  );
}

/** Asks before a command that takes something away (unassign, deactivate). */
export function ConfirmDialog({
  title,
  text,
  request,
  confirmLabel,
  onDone,
  onClose,
}: {
  title: string;
  text: ReactNode;
  request: CommandRequest;
  confirmLabel: string;
  onDone: (o: CommandOutcome) => void;
  onClose: () => void;
}) {
  return (
    <CommandDialog title={title} submitLabel={confirmLabel} danger onDone={onDone} onClose={onClose} build={() => request}>
      <p>{text}</p>
    </CommandDialog>
  );
}
