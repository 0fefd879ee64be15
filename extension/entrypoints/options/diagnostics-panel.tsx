import Button from "@mui/material/Button";
import { callBackground } from "../../messaging/client.ts";
import { useBackground } from "../popup/use-background.ts";

/** Selectors the overlay reported as no longer matching X's markup: the early warning that X changed. */
export function DiagnosticsPanel() {
  const diagnostics = useBackground("diagnostics/list", {});
  const entries = diagnostics.data?.entries ?? [];
  return (
    <section data-testid="diagnostics">
      <div className="flex items-center justify-between">
        <h2 className="text-xl font-extrabold">Diagnostics</h2>
        <Button
          size="small"
          disabled={entries.length === 0}
          onClick={async () => {
            await callBackground("diagnostics/clear", {});
            await diagnostics.reload();
          }}
        >
          Clear
        </Button>
      </div>
      {diagnostics.data && entries.length === 0 ? (
        <p className="text-sm text-[#536471]">Every selector matched X's page so far.</p>
      ) : null}
      {entries.length > 0 ? (
        <table className="w-full text-left text-sm">
          <thead className="text-[#536471]">
            <tr>
              <th>Feature</th>
              <th>Selector</th>
              <th>Misses</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr
                key={`${entry.feature}-${entry.selector}`}
                className="border-t border-[#cfd9de] align-top dark:border-[#2f3336]"
              >
                <td className="font-bold">{entry.feature}</td>
                <td className="break-all font-mono text-xs" title={entry.detail}>
                  {entry.selector}
                  <div className="text-[#536471]">{entry.url}</div>
                </td>
                <td>{entry.count}</td>
                <td>{new Date(entry.lastSeen).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
