import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../app/session-context.js';
import { allPages, answer, type Schemas } from './client.js';

// The reference data most screens show: pipelines and their stages, the team (names for ids).
// Each is one query, cached and shared by every screen. Companies are never all read: a name is
// read by id (api/records.ts), a choice searched (ui/pickers.tsx).

export function usePipelines() {
  const { client } = useSession();
  return useQuery({
    queryKey: ['pipelines'],
    queryFn: () =>
      allPages<Schemas['Pipeline']>((cursor) =>
        answer(
          client.GET('/pipelines', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }),
        ),
      ),
    staleTime: 60_000,
  });
}

/** The pipeline a screen shows: the one chosen, else the default. */
export function useChosenPipeline() {
  const pipelines = usePipelines();
  const [chosenId, choose] = useState('');
  const pipeline = pipelines.data?.find((p) => p.id === chosenId) ?? pipelines.data?.find((p) => p.isDefault);
  return { pipelines, pipeline, choose };
}

export function useTeam() {
  const { client } = useSession();
  return useQuery({
    queryKey: ['users'],
    queryFn: () =>
      allPages<Schemas['Profile']>((cursor) =>
        answer(client.GET('/users', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })),
      ),
    staleTime: 60_000,
  });
}

/** A person's name from their id (their id while the team loads, or for someone unknown). */
export function usePeople() {
  const team = useTeam();
  const byId = new Map((team.data ?? []).map((p) => [p.id, p]));
  return {
    team: team.data ?? [],
    nameOf: (id: string | null | undefined) => (id ? (byId.get(id)?.name ?? id) : 'nobody'),
  };
}
