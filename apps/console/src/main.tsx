import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { ApiError } from './api/client';
import { startEarlyRequests } from './app/early-requests';
import { viewAt } from './app/registry';
import { storedKey } from './app/session';
import { chartModule } from './components/chart-module';
import './styles.css';

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // A rule's refusal or a bad parameter will not change by asking again; a lost connection may.
      retry: (count, error) => count < 2 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
  },
});

// The view the URL opens (and the chart library, if it draws one) is fetched now, beside the key's
// and the account's answers, not after them.
const opened = viewAt(window.location.pathname);
void opened?.module.load();
if (opened?.chart) void chartModule.load();
if (storedKey() !== null) void startEarlyRequests(client, opened, window.location.search);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
