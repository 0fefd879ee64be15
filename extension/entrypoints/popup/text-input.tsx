import { useId } from "react";

interface TextInputProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: "text" | "password";
  helper?: string | undefined;
  error?: boolean;
  multiline?: boolean;
  autoFocus?: boolean;
}

/**
 * X's outlined text field in plain Tailwind. The first screens (set up, unlock) use it instead of
 * MUI's TextField so the popup's first paint does not wait for MUI's input machinery.
 */
export function TextInput({ label, value, onChange, type = "text", helper, error, multiline, autoFocus }: TextInputProps) {
  const id = useId();
  const frame = `w-full rounded border bg-transparent px-3 py-2 text-[15px] outline-none focus:border-[#1d9bf0] ${
    error ? "border-[#f4212e]" : "border-[#cfd9de] dark:border-[#2f3336]"
  }`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-bold text-[#536471]">
        {label}
      </label>
      {multiline ? (
        <textarea id={id} rows={2} className={frame} value={value} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input
          id={id}
          type={type}
          className={frame}
          value={value}
          // biome-ignore lint/a11y/noAutofocus: the unlock screen has one field; focusing it is the point.
          autoFocus={autoFocus}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      {helper ? <span className={`text-xs ${error ? "text-[#f4212e]" : "text-[#536471]"}`}>{helper}</span> : null}
    </div>
  );
}
