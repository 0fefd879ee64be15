import { useCallback, useEffect, useState } from "react";
import { callBackground } from "../../messaging/client.ts";
import type { MessageType, RequestOf, ResponseOf } from "../../messaging/contract.ts";

export interface BackgroundState<T extends MessageType> {
  data: ResponseOf<T> | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Asks the service worker once on mount (and on reload) and keeps the answer or the error's message. */
export function useBackground<T extends MessageType>(type: T, payload: RequestOf<T>): BackgroundState<T> {
  const [data, setData] = useState<ResponseOf<T>>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const key = JSON.stringify(payload);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await callBackground(type, JSON.parse(key) as RequestOf<T>));
      setError(undefined);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setLoading(false);
    }
  }, [type, key]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}
