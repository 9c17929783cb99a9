import { InitialSchema1767225600000 } from './1767225600000-initial-schema';
import { SignInAndChange1767484800000 } from './1767484800000-sign-in-and-change';
import { AgentHealthChecks1767744000000 } from './1767744000000-agent-health-checks';
import { DirectorySync1768003300000 } from './1768003300000-directory-sync';

/** In order; a migration that has landed is never edited, a change is a new migration. */
export const MIGRATIONS = [
  InitialSchema1767225600000,
  SignInAndChange1767484800000,
  AgentHealthChecks1767744000000,
  DirectorySync1768003300000,
];
