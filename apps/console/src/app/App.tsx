import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import type { KeyInfo } from '@contracts';
import { useAccount, useKeyInfo } from '../api/account';
import { Loading, ProblemMessage } from '../components/feedback';
import { ConnectForm } from './ConnectForm';
import { ConsoleContextValue } from './console-context';
import { useOnDemand } from './on-demand';
import { VIEWS, type ViewDefinition } from './registry';
import { forgetKey, storedKey } from './session';

/** The views a key's role may open. */
export function viewsFor(key: KeyInfo): ViewDefinition[] {
  return VIEWS.filter((v) => key.can[v.needs]);
}

/** The console: asks for a key, then shows the views its role may use. */
export function App() {
  const [hasKey, setHasKey] = useState(() => storedKey() !== null);
  const queries = useQueryClient();
  const me = useKeyInfo(hasKey);
  const signOut = () => {
    forgetKey();
    queries.clear();
    setHasKey(false);
  };

  if (!hasKey) return <ConnectForm onConnected={() => setHasKey(true)} />;
  if (me.isPending) return <Loading what="your key" />;
  if (me.isError)
    return (
      <ConnectForm
        onConnected={() => {
          void me.refetch();
          setHasKey(true);
        }}
        error={me.error}
      />
    );
  return <Shell keyInfo={me.data} onSignOut={signOut} />;
}

function Shell({ keyInfo, onSignOut }: { keyInfo: KeyInfo; onSignOut: () => void }) {
  const readsAccount = keyInfo.can.readReports && keyInfo.accountId !== null;
  const account = useAccount(readsAccount ? keyInfo.accountId : null);
  const views = viewsFor(keyInfo);
  const [location] = useLocation();
  const context = useMemo(() => ({ key: keyInfo, account: account.data ?? null }), [keyInfo, account.data]);

  return (
    <ConsoleContextValue.Provider value={context}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">License Ledger</span>
        {account.data && (
          <span className="account" data-testid="account">
            {account.data.name} <small>({account.data.accountId})</small> · times in <strong data-testid="zone">{account.data.timezone}</strong>
          </span>
        )}
        <span className="key" data-testid="role">
          {keyInfo.role}
          {keyInfo.accountId === null ? ' (global)' : ''}
        </span>
        <button type="button" className="link" onClick={onSignOut}>
          Forget key
        </button>
      </header>
      <div className="layout">
        <nav className="sidebar" aria-label="Views">
          {groupBySection(views).map(([section, list]) => (
            <div key={section}>
              <h2>{section}</h2>
              <ul>
                {list.map((v) => (
                  <li key={v.path}>
                    <Link href={v.path} aria-current={location === v.path ? 'page' : undefined}>
                      {v.title}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <main id="main" tabIndex={-1}>
          {!keyInfo.can.readReports && !keyInfo.can.operate ? (
            <NoReports keyInfo={keyInfo} />
          ) : readsAccount && account.isPending ? (
            <Loading what="the account" />
          ) : readsAccount && account.isError ? (
            <ProblemMessage error={account.error} />
          ) : (
            <Switch>
              {views.map((v) => (
                <Route key={v.path} path={v.path}>
                  <ViewOnDemand view={v} />
                </Route>
              ))}
              <Route>{views.length > 0 ? <Redirect to={views[0]!.path} replace /> : <NoReports keyInfo={keyInfo} />}</Route>
            </Switch>
          )}
        </main>
      </div>
    </ConsoleContextValue.Provider>
  );
}

/** A view, once its chunk has loaded. */
function ViewOnDemand({ view }: { view: ViewDefinition }) {
  const module = useOnDemand(view.module);
  if (module.value) return <module.value.default />;
  if (module.error !== undefined) return <ProblemMessage error={module.error} />;
  return <Loading what="the view" />;
}

/** An ingest key sends telemetry and nothing else: say so instead of showing reports it would be refused. */
function NoReports({ keyInfo }: { keyInfo: KeyInfo }) {
  return (
    <section className="notice" role="status" data-testid="no-reports">
      <h1>This key cannot read reports</h1>
      <p>
        It is {keyInfo.role === 'ingest' ? 'an ingest' : `a ${keyInfo.role}`} key{keyInfo.accountId ? ` of account ${keyInfo.accountId}` : ''}: it may
        send product telemetry (logins, activity, sessions) and import them, but not read reports, licenses or events. Ask an account admin for an
        auditor or account-admin key to use the console.
      </p>
    </section>
  );
}

function groupBySection(views: readonly ViewDefinition[]): [string, ViewDefinition[]][] {
  const sections = new Map<string, ViewDefinition[]>();
  for (const v of views) sections.set(v.section, [...(sections.get(v.section) ?? []), v]);
  return [...sections.entries()];
}
