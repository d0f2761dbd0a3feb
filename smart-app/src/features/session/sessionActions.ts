import { createContext, useContext } from 'react';

/** What a screen can ask of the session: start a new sign-in when the old one expired. */
export interface SessionActions {
  relaunch(): Promise<void>;
}

export const SessionActionsContext = createContext<SessionActions>({ relaunch: async () => undefined });

export function useSessionActions(): SessionActions {
  return useContext(SessionActionsContext);
}
